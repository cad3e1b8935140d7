import { basicAuth } from '../support/pkce';
import { startTestSystem, TestSystem } from '../support/system';
import { answer, authorizeUrl, form, register, registered } from './attack';

const LOOPBACK = 'http://127.0.0.1:3999/cb';

/** Issue 8, findings 2, 5, 6 and 7: what dynamic registration must refuse. */
describe('dynamic client registration refuses', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
  });
  afterAll(() => sys?.close());

  it.each([
    [
      'client credentials for a user-less token (finding 2)',
      { grant_types: ['client_credentials'], scope: 'api weatherget', redirect_uris: [] },
      'invalid_client_metadata',
    ],
    [
      'client credentials next to the code grant',
      { grant_types: ['authorization_code', 'client_credentials'], redirect_uris: [LOOPBACK] },
      'invalid_client_metadata',
    ],
    [
      'token exchange',
      {
        grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'],
        redirect_uris: [LOOPBACK],
      },
      'invalid_client_metadata',
    ],
    ['the SPA’s name (finding 5)', { client_name: 'Weather SPA' }, 'invalid_client_metadata'],
    ['the SPA’s name in other case', { client_name: 'WEATHER spa' }, 'invalid_client_metadata'],
    ['the SPA’s name spaced out', { client_name: '  Weather \t SPA ' }, 'invalid_client_metadata'],
    ['the SPA’s name, zero-width', { client_name: 'Weather\u200b SPA' }, 'invalid_client_metadata'],
    ['a configured name', { client_name: 'mcp client' }, 'invalid_client_metadata'],
    ['a name of the wrong type', { client_name: ['Weather SPA'] }, 'invalid_client_metadata'],
    [
      'a 101-character name (finding 6)',
      { client_name: 'n'.repeat(101) },
      'invalid_client_metadata',
    ],
    [
      'eleven redirect URIs',
      { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://app.example/cb${i}`) },
      'invalid_redirect_uri',
    ],
    [
      'a 3000-character redirect URI',
      { redirect_uris: [`https://app.example/${'a'.repeat(3000)}`] },
      'invalid_redirect_uri',
    ],
    [
      'http to another host (finding 7)',
      { redirect_uris: ['http://evil.example/cb'] },
      'invalid_redirect_uri',
    ],
    [
      'a private-use scheme for a web client',
      { redirect_uris: ['com.example.app:/cb'] },
      'invalid_redirect_uri',
    ],
    [
      'javascript: even for a native client',
      { application_type: 'native', redirect_uris: ['javascript:alert(1)'] },
      'invalid_redirect_uri',
    ],
  ])('%s', async (_case, metadata, error) => {
    const result = await register(sys, { redirect_uris: [LOOPBACK], ...metadata });
    expect({ status: result.status, error: result.error }).toEqual({ status: 400, error });
  });

  it('a body over 16 KB, before parsing it (finding 6)', async () => {
    const result = await register(sys, {
      redirect_uris: [LOOPBACK],
      client_uri: `https://app.example/${'a'.repeat(17 * 1024)}`,
    });
    expect({ status: result.status, error: result.error }).toEqual({
      status: 413,
      error: 'invalid_request',
    });
  });

  it.each([
    ['https on any host', { redirect_uris: ['https://app.example/cb'] }],
    ['loopback http', { redirect_uris: ['http://localhost:3334/oauth/callback'] }],
    [
      'a private-use scheme for a native client',
      { application_type: 'native', redirect_uris: ['com.example.app:/cb'] },
    ],
  ])('but accepts %s', async (_case, metadata) => {
    expect((await register(sys, metadata)).status).toBe(201);
  });
});

describe('grants a client may not use answer unauthorized_client (RFC 6749 §5.2)', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
  });
  afterAll(() => sys?.close());

  it('a registered confidential client asking for client credentials', async () => {
    const client = await registered(sys, {
      redirect_uris: [LOOPBACK],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const result = await answer(
      `${sys.urls.issuer}/connect/token`,
      form(
        { grant_type: 'client_credentials', scope: 'api weatherget' },
        basicAuth(client.client_id, client.client_secret!),
      ),
    );
    expect({ status: result.status, error: result.error }).toEqual({
      status: 400,
      error: 'unauthorized_client',
    });
  });

  it.each([
    [
      'the SPA asking for client credentials',
      'interactive',
      undefined,
      { grant_type: 'client_credentials' },
    ],
    [
      'the MCP client asking for a token exchange',
      'mcpclient',
      'mcpclient_secret',
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: 'x',
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      },
    ],
  ])('%s', async (_case, clientId, secret, params) => {
    const result = await answer(
      `${sys.urls.issuer}/connect/token`,
      form(
        secret ? params : { ...params, client_id: clientId },
        secret ? basicAuth(clientId, secret) : undefined,
      ),
    );
    expect({ status: result.status, error: result.error }).toEqual({
      status: 400,
      error: 'unauthorized_client',
    });
  });

  it('the client-credentials client at the authorization endpoint', async () => {
    const result = await answer(authorizeUrl(sys, { client_id: 'm2m.client' }));
    expect({ status: result.status, error: result.error }).toEqual({
      status: 400,
      error: 'unauthorized_client',
    });
  });

  it('the configured machine client keeps its server-side scope allow-list (api only)', async () => {
    const m2m = basicAuth('m2m.client', '511536EF-F270-4058-80CA-1C89C192F69A');
    const allowed = await answer(
      `${sys.urls.issuer}/connect/token`,
      form({ grant_type: 'client_credentials', scope: 'api' }, m2m),
    );
    expect(allowed.status).toBe(200);
    const refused = await answer(
      `${sys.urls.issuer}/connect/token`,
      form({ grant_type: 'client_credentials', scope: 'api weatherget' }, m2m),
    );
    expect({ status: refused.status, error: refused.error }).toEqual({
      status: 400,
      error: 'invalid_scope',
    });
  });
});
