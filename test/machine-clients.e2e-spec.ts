import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  ClientCredentialsProvider,
  PrivateKeyJwtProvider,
  StreamableHTTPClientTransport,
  type OAuthClientProvider,
} from '@modelcontextprotocol/client';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { decodeJwt } from './support/pkce';
import { proves } from './support/proves';
import { runNpmScript } from './support/operator-cli';
import { startTestSystem, TestSystem } from './support/system';

/**
 * Confidential machine clients the operator adds with `npm run admin -- clients add` (SEP-1046):
 * the official MCP client v2 gets tokens by client credentials, with a generated secret or a
 * private key (private_key_jwt, RFC 7523 §2.2), and calls a tool; assertions are single-use
 * and made for the issuer; a removed client is refused at once.
 */
// Each admin command is a new Node process loading the build.
jest.setTimeout(180_000);

describe('machine clients added by the operator', () => {
  let sys: TestSystem;
  let dir: string;
  let privatePem: string;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
    dir = mkdtempSync(join(tmpdir(), 'machine-clients-'));
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(join(dir, 'public.pem'), await exportSPKI(publicKey));
    privatePem = await exportPKCS8(privateKey);
    writeFileSync(join(dir, 'private.pem'), privatePem);
  });
  afterAll(async () => {
    await sys?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const mcpResource = () => `${sys.urls.mcp}/mcp`;
  const admin = (args: string[]) =>
    runNpmScript('admin', args, { env: { ...process.env, ...sys.env } });
  const addClient = (id: string, credential: string[]) =>
    admin([
      'clients',
      'add',
      id,
      ...credential,
      '--grant',
      'client_credentials',
      '--resource',
      mcpResource(),
      '--scope',
      'weatherget',
      '--json',
    ]);

  async function whoAmI(authProvider: OAuthClientProvider): Promise<Record<string, unknown>> {
    const client = new Client({ name: 'machine-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpResource()), { authProvider }),
    );
    try {
      const result = await client.callTool({ name: 'who-am-i', arguments: {} });
      expect(result.isError).toBeFalsy();
      return result.structuredContent as Record<string, unknown>;
    } finally {
      await client.close();
    }
  }

  it('a client with a generated secret calls a tool through ClientCredentialsProvider', async () => {
    proves('mcp-auth-ext/as/client-credentials');
    const added = await addClient('ci-bot', ['--secret']);
    expect(added.code).toBe(0);
    const { clientSecret } = JSON.parse(added.stdout) as { clientSecret: string };
    expect(clientSecret.length).toBeGreaterThanOrEqual(32);

    const identity = await whoAmI(
      new ClientCredentialsProvider({
        clientId: 'ci-bot',
        clientSecret,
        scope: 'weatherget',
        expectedIssuer: sys.urls.issuer,
      }),
    );
    expect(identity).toMatchObject({ clientId: 'ci-bot' });

    const wrong = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'ci-bot',
      client_secret: 'x'.repeat(43),
      resource: mcpResource(),
      scope: 'weatherget',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });

    // Asking for every scope the MCP server's challenge names gets the granted part (RFC 6749
    // §3.3), stated in the response, rather than a refusal.
    const wider = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'ci-bot',
      client_secret: clientSecret,
      resource: mcpResource(),
      scope: 'weatherget api',
    });
    expect(wider.status).toBe(200);
    expect(await wider.json()).toMatchObject({ scope: 'weatherget' });
  });

  it('a client with a key calls a tool through PrivateKeyJwtProvider; removing it refuses it', async () => {
    proves('mcp-auth-ext/as/client-credentials', 'mcp-auth-ext/as/private-key-jwt');
    const added = await addClient('key-bot', ['--key-file', join(dir, 'public.pem')]);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ auth: 'private_key_jwt' });

    const provider = () =>
      new PrivateKeyJwtProvider({
        clientId: 'key-bot',
        privateKey: privatePem,
        algorithm: 'ES256',
        scope: 'weatherget',
        expectedIssuer: sys.urls.issuer,
      });
    expect(await whoAmI(provider())).toMatchObject({ clientId: 'key-bot' });

    const removed = await admin(['clients', 'remove', 'key-bot']);
    expect(removed.code).toBe(0);
    const after = await tokenRequest(await assertionRequest('key-bot', sys.urls.issuer));
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('lists added clients with their auth method, grant, resources and scopes, never a secret', async () => {
    const secretClient = await addClient('list-bot', ['--secret']);
    const { clientSecret } = JSON.parse(secretClient.stdout) as { clientSecret: string };
    expect((await addClient('list-key-bot', ['--key-file', join(dir, 'public.pem')])).code).toBe(0);

    const json = await admin(['clients', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain(clientSecret);
    const listed = JSON.parse(json.stdout) as Record<string, unknown>[];
    const shape = (clientId: string, auth: string) => ({
      clientId,
      kind: 'machine',
      name: clientId,
      registeredAt: expect.any(Number) as number,
      lastUsed: undefined,
      redirectHosts: [],
      redirectUris: [],
      auth,
      grant: 'client_credentials',
      resources: [mcpResource()],
      scopes: ['weatherget'],
    });
    expect(listed.find((c) => c.clientId === 'list-bot')).toEqual(
      shape('list-bot', 'client_secret_basic'),
    );
    expect(listed.find((c) => c.clientId === 'list-key-bot')).toEqual(
      shape('list-key-bot', 'private_key_jwt'),
    );

    const table = await admin(['clients', 'list']);
    expect(table.stdout).not.toContain(clientSecret);
    expect(table.stdout).toMatch(/^list-bot +machine +list-bot +\d{4}-/m);
    expect(table.stdout).toMatch(/^MACHINE CLIENT +AUTH +GRANT +RESOURCES +SCOPES$/m);
    expect(table.stdout).toMatch(
      new RegExp(
        `^list-key-bot +private_key_jwt +client_credentials +${mcpResource()} +weatherget$`,
        'm',
      ),
    );
  });

  it('refuses a replayed client assertion and one not made for the issuer', async () => {
    proves('mcp-auth-ext/as/private-key-jwt');
    expect((await addClient('replay-bot', ['--key-file', join(dir, 'public.pem')])).code).toBe(0);
    const request = await assertionRequest('replay-bot', sys.urls.issuer);

    const first = await tokenRequest(request);
    expect(first.status).toBe(200);
    const token = ((await first.json()) as { access_token: string }).access_token;
    expect(decodeJwt(token).payload).toMatchObject({ client_id: 'replay-bot', aud: mcpResource() });

    const replayed = await tokenRequest(request);
    expect(replayed.status).toBe(401);
    const refusal = (await replayed.json()) as { error: string; error_description?: string };
    expect(refusal.error).toBe('invalid_client');
    expect(refusal.error_description).toBeTruthy();

    // Sent at once, one assertion still buys one token: the replay record is an atomic claim.
    const racing = await assertionRequest('replay-bot', sys.urls.issuer);
    const statuses = (await Promise.all([1, 2, 3].map(() => tokenRequest(racing)))).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([200, 401, 401]);

    // RFC 7523bis: the token endpoint URL is no longer an acceptable audience.
    const forEndpoint = await tokenRequest(
      await assertionRequest('replay-bot', `${sys.urls.issuer}/connect/token`),
    );
    expect(forEndpoint.status).toBe(401);
  });

  it('refuses a private key file, an unknown resource and a scope the resource lacks', async () => {
    const key = await admin([
      'clients',
      'add',
      'bad',
      '--key-file',
      join(dir, 'private.pem'),
      '--resource',
      mcpResource(),
      '--scope',
      'weatherget',
    ]);
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('private key');
    const resource = await admin([
      'clients',
      'add',
      'bad',
      '--secret',
      '--resource',
      'https://elsewhere.example',
      '--scope',
      'weatherget',
    ]);
    expect(resource.code).toBe(2);
    const scope = await admin([
      'clients',
      'add',
      'bad',
      '--secret',
      '--resource',
      mcpResource(),
      '--scope',
      'openid',
    ]);
    expect(scope.code).toBe(2);
  });

  function tokenRequest(body: Record<string, string>): Promise<Response> {
    return fetch(`${sys.urls.issuer}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });
  }

  async function assertionRequest(clientId: string, aud: string): Promise<Record<string, string>> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: `jti-${Math.random().toString(36).slice(2)}` })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(aud)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .sign(await importPKCS8(privatePem, 'ES256'));
    return {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      resource: mcpResource(),
      scope: 'weatherget',
    };
  }
});
