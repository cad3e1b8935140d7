import { basicAuth } from '../support/pkce';
import { startTestSystem, TestSystem } from '../support/system';
import { answer, authorizeUrl, form, register, registered } from './attack';

const LOOPBACK = 'http://127.0.0.1:3999/cb';

/**
 * What dynamic registration (RFC 7591) must refuse, since anyone may register: user-less
 * grants, names that impersonate a configured client, oversized metadata, plain-http redirects
 * off loopback.
 */
describe('dynamic client registration refuses', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
  });
  afterAll(() => sys?.close());

  it.each([
    [
      'client credentials for a user-less token',
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
    ['the SPA’s name', { client_name: 'Weather SPA' }, 'invalid_client_metadata'],
    ['the SPA’s name in other case', { client_name: 'WEATHER spa' }, 'invalid_client_metadata'],
    ['the SPA’s name spaced out', { client_name: '  Weather \t SPA ' }, 'invalid_client_metadata'],
    ['the SPA’s name, zero-width', { client_name: 'Weather\u200b SPA' }, 'invalid_client_metadata'],
    ['a configured name', { client_name: 'mcp client' }, 'invalid_client_metadata'],
    ['a name of the wrong type', { client_name: ['Weather SPA'] }, 'invalid_client_metadata'],
    ['a 101-character name', { client_name: 'n'.repeat(101) }, 'invalid_client_metadata'],
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
    ['http to another host', { redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
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

  it('a body over 16 KB, before parsing it', async () => {
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

/**
 * A client's name is shown on the login and consent pages, the account page and by
 * `npm run admin`: it may not carry characters that act on a terminal or reorder text, nor
 * pass for a configured client's name by look-alike letters or invisible characters.
 */
describe('dynamic client registration, client names', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth' } });
  });
  afterAll(() => sys?.close());

  it.each([
    // Names that would act on the terminal or the page that shows them.
    [
      'a name with terminal escapes',
      { client_name: 'Helper\u001b[2J\u001b]0;admin\u0007' },
      'invalid_client_metadata',
    ],
    ['a name with a C1 control', { client_name: 'Helper\u009b2J' }, 'invalid_client_metadata'],
    ['a name with a line break', { client_name: 'Helper\nHelper' }, 'invalid_client_metadata'],
    ['a name with a bidi override', { client_name: 'Helper \u202eppa' }, 'invalid_client_metadata'],
    [
      'a name with a zero-width space',
      { client_name: 'Fore\u200bcast' },
      'invalid_client_metadata',
    ],
    // Look-alikes of a configured name: the same confusable skeleton (UTS #39).
    ['the SPA’s name, Cyrillic е', { client_name: 'W\u0435ather SPA' }, 'invalid_client_metadata'],
    [
      'the SPA’s name, Greek Ρ and Α',
      { client_name: 'Weather S\u03a1\u0391' },
      'invalid_client_metadata',
    ],
    [
      'the SPA’s name, braille blank',
      { client_name: 'Weather\u2800SPA' },
      'invalid_client_metadata',
    ],
    [
      'the SPA’s name, Hangul filler',
      { client_name: 'Weather\u3164SPA' },
      'invalid_client_metadata',
    ],
    [
      'the SPA’s name, with an accent',
      { client_name: 'We\u0301ather SPA' },
      'invalid_client_metadata',
    ],
  ])('refuses %s', async (_case, metadata, error) => {
    const result = await register(sys, { redirect_uris: [LOOPBACK], ...metadata });
    expect({ status: result.status, error: result.error }).toEqual({ status: 400, error });
  });

  it.each([
    ['a name in another script', { client_name: 'Прогноз погоды' }],
    ['a name with accents', { client_name: 'Météo à la carte' }],
    ['an emoji name', { client_name: 'Forecast ☀️' }],
  ])('accepts %s', async (_case, metadata) => {
    const result = await register(sys, { redirect_uris: [LOOPBACK], ...metadata });
    expect(result.status).toBe(201);
    expect(JSON.parse(result.text)).toMatchObject(metadata);
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
    // Asking for more gets what the allow-list holds, named in the response (RFC 6749 §3.3).
    const narrowed = await answer(
      `${sys.urls.issuer}/connect/token`,
      form({ grant_type: 'client_credentials', scope: 'api weatherget' }, m2m),
    );
    const granted =
      narrowed.status === 200 ? (JSON.parse(narrowed.text) as { scope?: string }) : {};
    expect({ status: narrowed.status, scope: granted.scope }).toEqual({
      status: 200,
      scope: 'api',
    });
    const refused = await answer(
      `${sys.urls.issuer}/connect/token`,
      form({ grant_type: 'client_credentials', scope: 'weatherget' }, m2m),
    );
    expect({ status: refused.status, error: refused.error }).toEqual({
      status: 400,
      error: 'invalid_scope',
    });
  });
});
