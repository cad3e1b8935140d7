import { codeFlow, getWeather, tokenRequest } from './support/flows';
import { basicAuth, decodeJwt } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';
import { forgeAccessToken, tamper, unsignedToken } from './support/tokens';

const M2M_SECRET = '511536EF-F270-4058-80CA-1C89C192F69A';

describe('weather API as a resource server', () => {
  let sys: TestSystem;
  let aliceToken: string;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
    aliceToken = (await codeFlow(sys)).access_token;
  });
  afterAll(() => sys?.close());

  const challenge = (response: Response) => response.headers.get('www-authenticate') ?? '';

  it('answers 200 with five forecasts for a weatherget token', async () => {
    const response = await getWeather(sys, aliceToken);
    expect(response.status).toBe(200);
    const forecasts = (await response.json()) as Record<string, unknown>[];
    expect(forecasts).toHaveLength(5);
    for (const f of forecasts) {
      expect(Object.keys(f).sort()).toEqual(['date', 'summary', 'temperatureC', 'temperatureF']);
      expect(f.temperatureF).toBe(32 + Math.trunc((f.temperatureC as number) / 0.5556));
    }
  });

  it('answers 401 with a challenge naming the scope and the resource metadata without a token', async () => {
    const response = await getWeather(sys);
    expect(response.status).toBe(401);
    expect(challenge(response)).toBe(
      `Bearer scope="weatherget", resource_metadata="${sys.urls.api}/.well-known/oauth-protected-resource"`,
    );
  });

  it('gives m2m.client a token for the API that lacks weatherget, so 403 insufficient_scope', async () => {
    const response = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'api' },
      basicAuth('m2m.client', M2M_SECRET),
    );
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    expect(decodeJwt(token).payload).toMatchObject({
      aud: sys.urls.api,
      scope: 'api',
      sub: 'm2m.client',
    });

    const weather = await getWeather(sys, token);
    expect(weather.status).toBe(403);
    expect(challenge(weather)).toContain('error="insufficient_scope"');
    expect(challenge(weather)).toContain('scope="weatherget"');
  });

  it('lets the m2m.client token read the summary scale, the API operation its api scope allows', async () => {
    const response = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'api' },
      basicAuth('m2m.client', M2M_SECRET),
    );
    const { access_token: token } = (await response.json()) as { access_token: string };

    const scale = await fetch(`${sys.urls.api}/WeatherForecast/summaries`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scale.status).toBe(200);
    const bands = (await scale.json()) as { summary: string; fromC: number | null }[];
    expect(bands).toHaveLength(10);
    expect(bands[0]).toMatchObject({ summary: 'Freezing', fromC: null });

    // Alice's weather token (scope weatherget, no api) is refused there, and says why.
    const alice = await fetch(`${sys.urls.api}/WeatherForecast/summaries`, {
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    expect(alice.status).toBe(403);
    expect(challenge(alice)).toContain('scope="api"');
  });

  it('documents the summary scale in the OpenAPI document, under the api scope', async () => {
    const document = (await (await fetch(`${sys.urls.api}/swagger-json`)).json()) as {
      paths: Record<string, { get?: { security?: Record<string, string[]>[] } }>;
    };
    expect(document.paths['/WeatherForecast/summaries']?.get?.security).toEqual([
      { oauth2: ['api'] },
    ]);
    expect(document.paths['/WeatherForecast']?.get?.security).toEqual([{ oauth2: ['weatherget'] }]);
  });

  it('refuses client credentials for weatherget (m2m.client may only ask for api)', async () => {
    const response = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'weatherget' },
      basicAuth('m2m.client', M2M_SECRET),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const response = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'api' },
      basicAuth('m2m.client', 'wrong'),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  const rejected: [string, () => Promise<string>, string][] = [
    [
      'an expired token',
      () => forgeAccessToken(sys, { exp: Math.floor(Date.now() / 1000) - 60 }),
      'token expired',
    ],
    [
      'a token for another audience',
      () => forgeAccessToken(sys, { aud: sys.urls.mcp + '/mcp' }),
      'token invalid',
    ],
    [
      'a token from another issuer',
      () => forgeAccessToken(sys, { iss: 'http://evil.example' }),
      'token invalid',
    ],
    [
      'an alg:none token',
      () =>
        Promise.resolve(
          unsignedToken({
            iss: sys.urls.issuer,
            aud: sys.urls.api,
            sub: 'x',
            scope: 'weatherget',
            exp: 9999999999,
          }),
        ),
      'token invalid',
    ],
    [
      'a token signed by an unknown key',
      () => forgeAccessToken(sys, {}, { key: 'foreign', kid: 'unknown-kid' }),
      'token invalid',
    ],
    [
      'a token signed by a foreign key under our kid',
      () => forgeAccessToken(sys, {}, { key: 'foreign' }),
      'token invalid',
    ],
    [
      'a tampered payload',
      () => Promise.resolve(tamper(aliceToken, { sub: '88421113' })),
      'token invalid',
    ],
    [
      'an ID token (typ JWT, not at+jwt)',
      () => forgeAccessToken(sys, {}, { typ: 'JWT' }),
      'not an access token (typ must be at+jwt)',
    ],
    ['garbage', () => Promise.resolve('not-a-jwt'), 'token invalid'],
  ];

  it.each(rejected)('answers 401 invalid_token for %s', async (_name, make, description) => {
    const response = await getWeather(sys, await make());
    expect(response.status).toBe(401);
    expect(challenge(response)).toContain('error="invalid_token"');
    expect(challenge(response)).toContain(`error_description="${description}"`);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('refuses a token in the query string with 400 invalid_request', async () => {
    const response = await fetch(`${sys.urls.api}/WeatherForecast?access_token=${aliceToken}`);
    expect(response.status).toBe(400);
    expect(challenge(response)).toContain('error="invalid_request"');
  });

  it('publishes RFC 9728 metadata and allows the SPA origin, not others, through CORS', async () => {
    const metadata = await (
      await fetch(`${sys.urls.api}/.well-known/oauth-protected-resource`)
    ).json();
    expect(metadata).toMatchObject({
      resource: sys.urls.api,
      authorization_servers: [sys.urls.issuer],
      scopes_supported: ['weatherget'],
    });

    const allowed = await fetch(`${sys.urls.api}/WeatherForecast`, {
      method: 'OPTIONS',
      headers: {
        origin: sys.urls.spa,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(sys.urls.spa);
    const denied = await fetch(`${sys.urls.api}/WeatherForecast`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves Swagger UI with the OAuth2 security scheme', async () => {
    const ui = await fetch(`${sys.urls.api}/swagger`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const spec = (await (await fetch(`${sys.urls.api}/swagger-json`)).json()) as {
      components: {
        securitySchemes: Record<string, { flows: { authorizationCode: { tokenUrl: string } } }>;
      };
    };
    const scheme = Object.values(spec.components.securitySchemes)[0]!;
    expect(scheme.flows.authorizationCode.tokenUrl).toBe(`${sys.urls.issuer}/connect/token`);
  });
});
