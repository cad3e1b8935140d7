import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { captureLogs } from './support/captured-logs';
import { runNpmScript } from './support/operator-cli';
import { decodeJwt } from './support/pkce';
import { proves } from './support/proves';
import { startTestSystem, TestSystem } from './support/system';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Workload identity federation (SEP-1933): a workload issuer this test runs itself (its JWKS
 * served over loopback), trusted with `npm run admin -- trust workloads add`; its workloads get
 * tokens by the JWT bearer grant with no client at all, and call an MCP tool with them. Every
 * hostile assertion and misbehaving key server is refused with an OAuth error, never a 500.
 */
jest.setTimeout(180_000);

describe('workload identity federation', () => {
  let sys: TestSystem;
  let dir: string;
  let issuer: KeyServer;
  let slow: KeyServer;
  let huge: KeyServer;
  let key: CryptoKey;
  let publicJwk: JWK;
  const logs = captureLogs();

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' }, logger: logs.logger });
    dir = mkdtempSync(join(tmpdir(), 'workloads-'));
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    issuer = await KeyServer.start(() => JSON.stringify({ keys: [publicJwk] }));
    slow = await KeyServer.start(() => JSON.stringify({ keys: [publicJwk] }), 10_000);
    huge = await KeyServer.start(() => JSON.stringify({ keys: [publicJwk], pad: 'x'.repeat(2e6) }));
    const rules = (resource: string) => [
      {
        subject: 'system:serviceaccount:agents:*',
        claims: { 'kubernetes.io/namespace': 'agents' },
        clientId: 'k8s-agents',
        resources: [resource],
        scopes: ['weatherget'],
      },
    ];
    const file = join(dir, 'issuers.json');
    const mcp = `${sys.urls.mcp}/mcp`;
    writeFileSync(
      file,
      JSON.stringify([
        {
          issuer: issuer.url,
          jwksUri: `${issuer.url}/jwks`,
          algorithms: ['ES256'],
          rules: rules(mcp),
        },
        { issuer: slow.url, jwksUri: `${slow.url}/jwks`, algorithms: ['ES256'], rules: rules(mcp) },
        { issuer: huge.url, jwksUri: `${huge.url}/jwks`, algorithms: ['ES256'], rules: rules(mcp) },
      ]),
    );
    const added = await runNpmScript('admin', ['trust', 'workloads', 'add', '--file', file], {
      env: { ...process.env, ...sys.env },
    });
    expect(added).toMatchObject({ code: 0 });
  });
  afterAll(async () => {
    await sys?.close();
    await Promise.all([issuer, slow, huge].map((s) => s?.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const tokenEndpoint = () => `${sys.urls.issuer}/connect/token`;
  const k8sClaims = () => ({
    sub: 'system:serviceaccount:agents:weather-bot',
    'kubernetes.io/namespace': 'agents',
  });

  async function assertion(
    claims: Record<string, unknown> = {},
    options: { from?: string; aud?: string; expiresIn?: number; typ?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...k8sClaims(), jti: `j-${Math.random()}`, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: options.typ ?? 'JWT' })
      .setIssuer(options.from ?? issuer.url)
      .setAudience(options.aud ?? tokenEndpoint())
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 120))
      .sign(key);
  }

  function grant(jwt: string, extra: Record<string, string> = {}): Promise<Response> {
    return fetch(tokenEndpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion: jwt, ...extra }),
    });
  }

  async function refused(response: Response, error: string, status = 400): Promise<string> {
    const body = (await response.json()) as { error: string; error_description?: string };
    expect({ status: response.status, error: body.error }).toEqual({ status, error });
    expect(body.error_description).toBeTruthy();
    return body.error_description!;
  }

  it('a workload with no client gets a token for the MCP server and calls a tool', async () => {
    proves('mcp-auth-ext/as/workload-identity');
    const response = await grant(await assertion());
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('weatherget');
    expect(decodeJwt(body.access_token).payload).toMatchObject({
      sub: 'k8s-agents',
      aud: `${sys.urls.mcp}/mcp`,
    });

    const client = new Client({ name: 'workload-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${sys.urls.mcp}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${body.access_token}` } },
      }),
    );
    const result = await client.callTool({ name: 'who-am-i', arguments: {} });
    await client.close();
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ subject: 'k8s-agents' });
    expect(logs.named('audit')).toContainEqual(
      expect.objectContaining({
        event: 'workload.token_issued',
        issuer: issuer.url,
        subject: k8sClaims().sub,
        clientId: 'k8s-agents',
        resource: `${sys.urls.mcp}/mcp`,
        scopes: ['weatherget'],
      }),
    );
  });

  it('refuses a replayed assertion', async () => {
    proves('mcp-auth-ext/as/workload-identity');
    const jwt = await assertion();
    expect((await grant(jwt)).status).toBe(200);
    await refused(await grant(jwt), 'invalid_grant');
    expect(logs.named('audit')).toContainEqual(
      expect.objectContaining({
        event: 'workload.assertion_refused',
        issuer: issuer.url,
        reason: 'replayed',
      }),
    );
    expect(logs.text()).not.toContain(jwt);
  });

  it('refuses a forged signature, a wrong aud, an expired one and an unknown issuer', async () => {
    const other = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ ...k8sClaims(), jti: 'forged' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(issuer.url)
      .setAudience(tokenEndpoint())
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(other.privateKey);
    await refused(await grant(forged), 'invalid_grant');
    // SEP-1933: the audience is the token endpoint URL, not the issuer identifier.
    await refused(await grant(await assertion({}, { aud: sys.urls.issuer })), 'invalid_grant');
    await refused(
      await grant(await assertion({ iat: now - 600 }, { expiresIn: -300 })),
      'invalid_grant',
    );
    await refused(
      await grant(await assertion({}, { from: 'https://evil.example' })),
      'invalid_grant',
    );
  });

  it('refuses alg none and HS256 made with the public key (algorithm confusion)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      ...k8sClaims(),
      iss: issuer.url,
      aud: tokenEndpoint(),
      iat: now,
      exp: now + 60,
      jti: 'n',
    };
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify(payload))}.`;
    await refused(await grant(unsigned), 'invalid_grant');
    const hs = await new SignJWT({ ...payload, jti: 'hs' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    await refused(await grant(hs), 'invalid_grant');
  });

  it('refuses an oversized assertion before parsing it', async () => {
    const big = await assertion({ pad: 'x'.repeat(9000) });
    expect(await refused(await grant(big), 'invalid_grant')).toContain('too large');
  });

  it('refuses a subject or claims no rule allows, and a scope the rule does not grant', async () => {
    await refused(
      await grant(await assertion({ sub: 'system:serviceaccount:other:bot' })),
      'invalid_grant',
    );
    await refused(
      await grant(await assertion({ 'kubernetes.io/namespace': 'other' })),
      'invalid_grant',
    );
    await refused(await grant(await assertion(), { scope: 'api' }), 'invalid_scope');
  });

  it('never takes an ID-JAG-typed assertion as a workload one (SEP-990 needs a client)', async () => {
    const idJag = await assertion({}, { typ: 'oauth-id-jag+jwt' });
    expect(await refused(await grant(idJag), 'invalid_client')).toContain('authenticated client');
  });

  it('answers 503 with Retry-After when the issuer keys are slow, and refuses a huge key set', async () => {
    const started = Date.now();
    const response = await grant(await assertion({}, { from: slow.url }));
    await refused(response, 'temporarily_unavailable', 503);
    expect(response.headers.get('retry-after')).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(6_000);

    await refused(await grant(await assertion({}, { from: huge.url })), 'invalid_grant');
  });
});

/** A workload issuer's key server on loopback: answers `body()`, after `delayMs` if given. */
class KeyServer {
  private constructor(private readonly server: Server) {}

  static async start(body: () => string, delayMs = 0): Promise<KeyServer> {
    const server = createServer((_request, response) => {
      const send = () => {
        if (response.destroyed) return;
        response.setHeader('content-type', 'application/json');
        response.end(body());
      };
      if (delayMs) setTimeout(send, delayMs).unref();
      else send();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new KeyServer(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
