import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  CrossAppAccessProvider,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { captureLogs } from './support/captured-logs';
import { mcpClientFlow, tokenRequest } from './support/flows';
import { runNpmScript } from './support/operator-cli';
import { basicAuth, decodeJwt } from './support/pkce';
import { proves } from './support/proves';
import { startTestSystem, TestSystem } from './support/system';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

/**
 * Enterprise-managed authorization (SEP-990) between two systems: A is the enterprise identity
 * provider, B the MCP server's authorization server, each trusting the other by admin command.
 * Alice signs in at A once; the official client's CrossAppAccessProvider then exchanges her ID
 * token at A for an ID-JAG for B, trades it at B for an access token, and calls a tool, with no
 * browser. Every hostile ID-JAG and every request A's operator did not allow is an OAuth error.
 */
jest.setTimeout(180_000);

describe('ID-JAG (enterprise-managed authorization)', () => {
  let a: TestSystem;
  let b: TestSystem;
  let dir: string;
  let idToken: string;
  let secret: string;
  let testKey: CryptoKey;
  const testIdp = 'https://idp.test.example';
  const aLogs = captureLogs();
  const bLogs = captureLogs();

  const admin = async (sys: TestSystem, args: string[]) => {
    const run = await runNpmScript('admin', [...args, '--json'], {
      env: { ...process.env, ...sys.env },
    });
    expect(run).toMatchObject({ code: 0 });
    return JSON.parse(run.stdout) as unknown;
  };
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  beforeAll(async () => {
    a = await startTestSystem({ env: { ROLES: 'auth' }, logger: aLogs.logger });
    b = await startTestSystem({ env: { ROLES: 'auth,api,mcp' }, logger: bLogs.logger });
    dir = mkdtempSync(join(tmpdir(), 'idjag-'));
    const pair = await generateKeyPair('ES256', { extractable: true });
    testKey = pair.privateKey;
    const testJwk = { ...(await exportJWK(pair.publicKey)), kid: 't1', alg: 'ES256' };

    await admin(a, [
      'trust',
      'audiences',
      'add',
      '--file',
      file('audiences.json', [
        {
          audience: b.urls.issuer,
          clients: ['mcpclient'],
          clientId: 'xaa-client',
          scopes: ['weatherget'],
        },
        {
          audience: 'https://elsewhere.example',
          clients: ['someone-else'],
          clientId: 'x',
          scopes: ['weatherget'],
        },
      ]),
    ]);
    await admin(b, [
      'trust',
      'idps',
      'add',
      '--file',
      file('idps.json', [
        {
          issuer: a.urls.issuer,
          slug: 'corp',
          jwksUri: `${a.urls.issuer}/.well-known/openid-configuration/jwks`,
          algorithms: ['RS256'],
          linkByEmail: true,
        },
        {
          issuer: testIdp,
          slug: 'test',
          jwks: { keys: [testJwk] },
          algorithms: ['ES256'],
          jit: true,
        },
      ]),
    ]);
    const added = (await admin(b, [
      'clients',
      'add',
      'xaa-client',
      '--secret',
      '--grant',
      'jwt-bearer',
      '--resource',
      `${b.urls.mcp}/mcp`,
      '--scope',
      'weatherget',
    ])) as { clientSecret: string };
    secret = added.clientSecret;

    // The one sign-in, at A, through its login form.
    const signedIn = await mcpClientFlow(a, 'openid profile email weatherget');
    idToken = signedIn.id_token!;
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  function exchangeAtA(
    params: Record<string, string>,
    client = basicAuth('mcpclient', 'mcpclient_secret'),
  ) {
    return tokenRequest(
      a,
      {
        grant_type: TOKEN_EXCHANGE,
        requested_token_type: ID_JAG,
        subject_token: idToken,
        subject_token_type: ID_TOKEN,
        audience: b.urls.issuer,
        resource: `${b.urls.mcp}/mcp`,
        scope: 'weatherget',
        ...params,
      },
      client,
    );
  }
  const grantAtB = (assertion: string, extra: Record<string, string> = {}) =>
    tokenRequest(
      b,
      { grant_type: JWT_BEARER, assertion, ...extra },
      basicAuth('xaa-client', secret),
    );

  async function jagFromA(): Promise<string> {
    const response = await exchangeAtA({});
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function minted(
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: testIdp,
      sub: 'u-1',
      aud: b.urls.issuer,
      client_id: 'xaa-client',
      jti: `j-${Math.random()}`,
      iat: now,
      exp: now + 120,
      resource: `${b.urls.mcp}/mcp`,
      scope: 'weatherget',
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: 't1', typ: 'oauth-id-jag+jwt', ...header })
      .sign(testKey);
  }

  async function refused(response: Response, error: string, status = 400): Promise<string> {
    const body = (await response.json()) as { error: string; error_description?: string };
    expect({ status: response.status, error: body.error }).toEqual({ status, error });
    expect(body.error_description).toBeTruthy();
    return body.error_description!;
  }

  it('signs in at A once, then calls a tool on B with the official CrossAppAccessProvider', async () => {
    proves('mcp-auth-ext/as/id-jag');
    const provider = new CrossAppAccessProvider({
      assertion: async (ctx) => {
        const response = await exchangeAtA({
          audience: ctx.authorizationServerUrl,
          resource: ctx.resourceUrl,
          ...(ctx.scope ? { scope: ctx.scope } : {}),
        });
        const body = (await response.json()) as {
          access_token: string;
          issued_token_type: string;
          token_type: string;
        };
        expect(body).toMatchObject({ issued_token_type: ID_JAG, token_type: 'N_A' });
        return body.access_token;
      },
      clientId: 'xaa-client',
      clientSecret: secret,
      expectedIssuer: b.urls.issuer,
    });
    const client = new Client({ name: 'id-jag-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${b.urls.mcp}/mcp`), {
      authProvider: provider,
    });
    // The first request is refused with 401; the provider gets its token, and the retry passes.
    await client.connect(transport);
    const result = await client.callTool({ name: 'who-am-i', arguments: {} });
    await client.close();
    expect(result.isError).toBeFalsy();
    // Linked by her verified email to B's own alice; the client is B's name for it.
    expect(result.structuredContent).toMatchObject({ subject: '818727', clientId: 'xaa-client' });
    expect(provider.tokens()?.refresh_token).toBeUndefined();
  });

  it('advertises both sides in discovery', async () => {
    proves('mcp-auth-ext/as/id-jag');
    const metadata = (await (
      await fetch(`${b.urls.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.authorization_grant_profiles_supported).toEqual([
      'urn:ietf:params:oauth:grant-profile:id-jag',
    ]);
    expect(metadata.identity_chaining_requested_token_types_supported).toEqual([ID_JAG]);
    expect(metadata.grant_types_supported).toContain(JWT_BEARER);
  });

  it('issues a typed, signed ID-JAG naming the client as B knows it, and refuses its replay', async () => {
    proves('mcp-auth-ext/as/id-jag');
    const jag = await jagFromA();
    const { header, payload } = decodeJwt(jag);
    expect(header).toMatchObject({ typ: 'oauth-id-jag+jwt', alg: 'RS256' });
    expect(payload).toMatchObject({
      iss: a.urls.issuer,
      aud: b.urls.issuer,
      client_id: 'xaa-client',
      scope: 'weatherget',
    });
    expect((await grantAtB(jag)).status).toBe(200);
    expect(await refused(await grantAtB(jag), 'invalid_grant')).toContain('already used');

    expect(aLogs.named('audit')).toContainEqual(
      expect.objectContaining({
        event: 'id_jag.issued',
        subject: payload.sub,
        audience: b.urls.issuer,
        clientId: 'mcpclient',
      }),
    );
    expect(bLogs.named('audit')).toContainEqual(
      expect.objectContaining({
        event: 'id_jag.accepted',
        issuer: a.urls.issuer,
        upstreamSubject: payload.sub,
        subject: '818727',
        clientId: 'xaa-client',
        resource: `${b.urls.mcp}/mcp`,
        scopes: ['weatherget'],
      }),
    );
    expect(aLogs.text() + bLogs.text()).not.toContain(jag);
  });

  it('refuses a forged signature, a wrong aud, another client, an expired one, an unknown issuer', async () => {
    proves('mcp-auth-ext/as/id-jag');
    const other = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({
      iss: testIdp,
      sub: 'u-1',
      aud: b.urls.issuer,
      client_id: 'xaa-client',
      jti: 'f',
      iat: now,
      exp: now + 60,
    })
      .setProtectedHeader({ alg: 'ES256', kid: 't1', typ: 'oauth-id-jag+jwt' })
      .sign(other.privateKey);
    await refused(await grantAtB(forged), 'invalid_grant');
    await refused(
      await grantAtB(await minted({ aud: `${b.urls.issuer}/connect/token` })),
      'invalid_grant',
    );
    expect(
      await refused(await grantAtB(await minted({ client_id: 'mcpclient' })), 'invalid_grant'),
    ).toContain('another client');
    await refused(
      await grantAtB(await minted({ iat: now - 600, exp: now - 300 })),
      'invalid_grant',
    );
    await refused(await grantAtB(await minted({ iss: 'https://evil.example' })), 'invalid_grant');
    // Without its typ it is not an ID-JAG, and no workload rule covers it either.
    await refused(await grantAtB(await minted({}, { typ: 'JWT' })), 'invalid_grant');
  });

  it('refuses alg none, HS256, an oversized ID-JAG and one without client authentication', async () => {
    proves('mcp-auth-ext/as/id-jag');
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: testIdp,
      sub: 'u-1',
      aud: b.urls.issuer,
      client_id: 'xaa-client',
      jti: 'n',
      iat: now,
      exp: now + 60,
    };
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    await refused(
      await grantAtB(`${encode({ alg: 'none', typ: 'oauth-id-jag+jwt' })}.${encode(payload)}.`),
      'invalid_grant',
    );
    const hs = await new SignJWT({ ...payload, jti: 'hs' })
      .setProtectedHeader({ alg: 'HS256', kid: 't1', typ: 'oauth-id-jag+jwt' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    await refused(await grantAtB(hs), 'invalid_grant');
    expect(
      await refused(await grantAtB(await minted({ pad: 'x'.repeat(9000) })), 'invalid_grant'),
    ).toContain('too large');
    const anonymous = await tokenRequest(b, { grant_type: JWT_BEARER, assertion: await minted() });
    await refused(anonymous, 'invalid_client');
  });

  it('refuses a resource that is not ours, and grants only scopes the ID-JAG holds', async () => {
    proves('mcp-auth-ext/as/id-jag');
    await refused(
      await grantAtB(await minted({ resource: 'https://api.elsewhere.example' })),
      'invalid_target',
    );
    await refused(await grantAtB(await minted({ scope: 'admin' })), 'invalid_scope');
    const response = await grantAtB(await minted(), { scope: 'weatherget openid' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      scope: string;
      refresh_token?: string;
      access_token: string;
    };
    expect(body.scope).toBe('weatherget');
    expect(body.refresh_token).toBeUndefined();
    // A JIT user for the test IdP's subject (its config allows provisioning).
    expect(decodeJwt(body.access_token).payload).toMatchObject({
      aud: `${b.urls.mcp}/mcp`,
      client_id: 'xaa-client',
    });
  });

  it('at A: refuses an audience the operator did not allow, a client not allowed, and an access token as subject', async () => {
    proves('mcp-auth-ext/as/id-jag');
    await refused(await exchangeAtA({ audience: 'https://unknown.example' }), 'invalid_target');
    await refused(
      await exchangeAtA({ audience: 'https://elsewhere.example' }),
      'unauthorized_client',
    );
    await refused(await exchangeAtA({ audience: a.urls.issuer }), 'invalid_target');
    await refused(await exchangeAtA({ subject_token: 'not-a-jwt' }), 'invalid_request');
    await refused(
      await exchangeAtA({ subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
      'invalid_request',
    );
  });
});
