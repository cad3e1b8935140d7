import { codeFlow, tokenRequest } from './support/flows';
import { decodeJwt } from './support/pkce';
import { proves } from './support/proves';
import { startTestSystem, TestSystem } from './support/system';
import { register, registered } from './security/attack';

const REDIRECT = 'http://127.0.0.1:45731/callback';

/**
 * What the MCP authorization specifications ask of an authorization server for the clients an
 * MCP host registers on the fly: public clients (`token_endpoint_auth_method: none`) with
 * redirect URIs that are https or loopback (OAuth 2.1 §2.3.1, RFC 8252 §7.3), short-lived
 * access tokens (OAuth 2.1 §7.1.3) and refresh tokens that rotate (OAuth 2.1 §4.3.1, RFC 9700
 * §4.14.2).
 */
describe('a dynamically registered public client', () => {
  let sys: TestSystem;
  let clientId: string;

  beforeAll(async () => {
    // Consumption is stored in whole seconds, so a 2 s grace window lasts 1–2 s.
    sys = await startTestSystem({ env: { ROLES: 'auth', REFRESH_TOKEN_REUSE_GRACE: '2' } });
    ({ client_id: clientId } = await registered(sys, {
      client_name: 'public client test',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid weatherget offline_access',
    }));
  });
  afterAll(() => sys?.close());

  const signIn = () =>
    codeFlow(sys, {
      clientId,
      redirectUri: REDIRECT,
      scope: 'openid weatherget offline_access',
      // An MCP host's client asks for the MCP server's resource.
      resources: [sys.config.shared.mcpResource],
    });
  const refresh = (token: string) =>
    tokenRequest(sys, { grant_type: 'refresh_token', refresh_token: token, client_id: clientId });

  it('may register https and loopback redirect URIs, never plain http to another host', async () => {
    proves(
      'mcp-auth-2025-06-18/as/redirect-https-or-localhost',
      'mcp-auth-2025-11-25/as/redirect-https-or-localhost',
      'mcp-auth-2026-07-28/as/redirect-https-or-localhost',
    );
    const withRedirect = (uri: string) =>
      register(sys, {
        client_name: 'redirect test',
        redirect_uris: [uri],
        token_endpoint_auth_method: 'none',
      });
    for (const allowed of [
      'https://app.example/callback',
      'http://127.0.0.1:45731/callback',
      'http://localhost:45731/callback',
    ]) {
      expect({ allowed, status: (await withRedirect(allowed)).status }).toEqual({
        allowed,
        status: 201,
      });
    }
    for (const refused of ['http://app.example/callback', 'http://10.0.0.8/callback']) {
      const result = await withRedirect(refused);
      expect({ refused, status: result.status, error: result.error }).toEqual({
        refused,
        status: 400,
        error: 'invalid_redirect_uri',
      });
    }
  });

  it('gets access tokens that live five minutes by default', async () => {
    proves(
      'mcp-auth-2025-06-18/as/short-lived-tokens',
      'mcp-auth-2025-11-25/as/short-lived-tokens',
      'mcp-auth-2026-07-28/as/short-lived-tokens',
    );
    const tokens = await signIn();
    expect(tokens.expires_in).toBeLessThanOrEqual(300);
    const { payload } = decodeJwt(tokens.access_token);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(300);

    const refreshed = await refresh(tokens.refresh_token!);
    expect(refreshed.status).toBe(200);
    const { access_token } = (await refreshed.json()) as { access_token: string };
    const next = decodeJwt(access_token).payload;
    expect(Number(next.exp) - Number(next.iat)).toBe(300);
  });

  it('has its refresh token rotated on every use, and a replay revokes the whole grant', async () => {
    proves(
      'mcp-auth-2025-06-18/as/rotate-public-refresh',
      'mcp-auth-2025-11-25/as/rotate-public-refresh',
      'mcp-auth-2026-07-28/as/rotate-public-refresh',
    );
    const tokens = await signIn();
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const first = await refresh(tokens.refresh_token!);
    expect(first.status).toBe(200);
    const { refresh_token: rotated } = (await first.json()) as { refresh_token: string };
    expect(rotated).toEqual(expect.any(String));
    expect(rotated).not.toBe(tokens.refresh_token);

    // After the grace window the old token is a stolen one (RFC 9700 §4.14.2): refused, and
    // the successor the legitimate client holds goes with it.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const replay = await refresh(tokens.refresh_token!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    const family = await refresh(rotated);
    expect(family.status).toBe(400);
    expect(await family.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
