import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { codeFlow, mcpClientFlow, getWeather } from '../support/flows';
import { mcpInitialize, postMcp } from '../support/mcp';
import { startTestSystem, type TestSystem } from '../support/system';
import { newSigningKey, signAccessToken } from '../support/tokens';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const mcpToken = async (sys: TestSystem) =>
  (await mcpClientFlow(sys, 'openid weatherget')).access_token;

/** How long a request took, with what it answered. */
async function timed(request: () => Promise<Response>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await request();
  await response.body?.cancel();
  return { status: response.status, ms: performance.now() - started };
}

/**
 * Forged tokens name key ids the issuer never published. Looking each one up must not use up
 * anything a valid token needs later (a lookup budget shared with valid tokens turned a flood
 * of forgeries into 401s or multi-second waits for the next valid token whose key was not yet
 * cached).
 */
describe('resource servers under a flood of tokens with unknown key ids', () => {
  let sys: TestSystem;
  let apiToken: string;
  let mcpAccessToken: string;

  beforeAll(async () => {
    // Fresh: neither resource server has fetched the issuer's keys yet.
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
    apiToken = (await codeFlow(sys)).access_token;
    mcpAccessToken = await mcpToken(sys);
  });
  afterAll(() => sys?.close());

  it('refuses every forgery with 401 invalid_token, then admits a valid token at once', async () => {
    const stranger = await newSigningKey('stranger');
    const forge = (aud: string) =>
      signAccessToken(
        stranger,
        {
          iss: sys.urls.issuer,
          aud,
          sub: 'mallory',
          client_id: 'interactive',
          scope: 'weatherget',
        },
        { kid: randomUUID() },
      );
    for (let i = 0; i < 20; i += 1) {
      const atApi = await getWeather(sys, await forge(sys.urls.api));
      expect({ i, status: atApi.status }).toEqual({ i, status: 401 });
      expect(atApi.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const atMcp = await postMcp(sys, mcpInitialize(), bearer(await forge(`${sys.urls.mcp}/mcp`)));
      expect({ i, status: atMcp.status }).toEqual({ i, status: 401 });
      expect(atMcp.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }

    const api = await timed(() => getWeather(sys, apiToken));
    const mcp = await timed(() => postMcp(sys, mcpInitialize(), bearer(mcpAccessToken)));

    expect(api.status).toBe(200);
    expect(mcp.status).toBe(200);
    expect(api.ms).toBeLessThan(1_000);
    expect(mcp.ms).toBeLessThan(1_000);
  });
});

/**
 * The AuthServer itself is up (tokens are issued), but the resource servers' back channel to
 * it (AUTH_INTERNAL_URL) reaches a stand-in whose JWKS fails: a valid token cannot be checked,
 * which is the resource server's problem to report (503 with Retry-After), not the client's
 * (a 401 would send it to sign in again against an issuer that cannot help).
 */
describe("resource servers while the issuer's JWKS cannot be fetched", () => {
  let mode: 'broken' | 'silent' = 'broken';
  let publicIssuer = '';
  const backChannel: Server = createServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          issuer: publicIssuer,
          jwks_uri: `${publicIssuer}/.well-known/openid-configuration/jwks`,
        }),
      );
      return;
    }
    // The JWKS: the connection drops, or no answer ever comes.
    if (mode === 'broken') request.socket.destroy();
  });
  let sys: TestSystem;
  let apiToken: string;
  let mcpAccessToken: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => backChannel.listen(0, '127.0.0.1', resolve));
    const { port } = backChannel.address() as AddressInfo;
    sys = await startTestSystem({
      env: ({ auth }) => {
        publicIssuer = `http://localhost:${auth}`;
        return { ROLES: 'auth,api,mcp', AUTH_INTERNAL_URL: `http://127.0.0.1:${port}` };
      },
    });
    apiToken = (await codeFlow(sys)).access_token;
    mcpAccessToken = await mcpToken(sys);
  });
  afterAll(async () => {
    await sys?.close();
    backChannel.closeAllConnections();
    await new Promise((resolve) => backChannel.close(resolve));
  });

  const expectUnavailable = async (response: Response) => {
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
  };

  it('answers a valid token 503 with Retry-After when the JWKS connection fails', async () => {
    mode = 'broken';
    await expectUnavailable(await getWeather(sys, apiToken));
    await expectUnavailable(await postMcp(sys, mcpInitialize(), bearer(mcpAccessToken)));
  });

  it('answers a valid token 503 with Retry-After when the JWKS fetch times out', async () => {
    mode = 'silent';
    await expectUnavailable(await getWeather(sys, apiToken));
  }, 30_000);

  it('answers 503 with Retry-After once the back channel is gone altogether', async () => {
    backChannel.closeAllConnections();
    await new Promise((resolve) => backChannel.close(resolve));
    await expectUnavailable(await getWeather(sys, apiToken));
    await expectUnavailable(await postMcp(sys, mcpInitialize(), bearer(mcpAccessToken)));
  });
});
