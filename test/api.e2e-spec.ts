import { WEATHER_API_SCOPES } from '../src/config/apis';
import { DPOP_SIGNING_ALGS } from '../src/config/dpop';
import { codeFlow, getWeather, tokenRequest } from './support/flows';
import { basicAuth, decodeJwt } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';
import { forgeAccessToken, tamper } from './support/tokens';

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
      expect(f.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof f.summary).toBe('string');
      const [c, fahrenheit] = [f.temperatureC as number, f.temperatureF as number];
      expect(Math.abs(fahrenheit - (c * 9) / 5 - 32)).toBeLessThanOrEqual(1);
    }
  });

  it('answers 401 with a challenge naming the scope and the resource metadata without a token', async () => {
    const response = await getWeather(sys);
    expect(response.status).toBe(401);
    expect(challenge(response)).toBe(
      `Bearer scope="weatherget", resource_metadata="${sys.urls.api}/.well-known/oauth-protected-resource", DPoP algs="${DPOP_SIGNING_ALGS.join(' ')}"`,
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
      { oidc: ['api'] },
    ]);
    expect(document.paths['/WeatherForecast']?.get?.security).toEqual([{ oidc: ['weatherget'] }]);
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

  // The full table of refused tokens is in src/bearer/bearer.guard.spec.ts; these two show the
  // API's guard is wired to this AuthServer's keys and to the API's own audience.
  it('answers 401 invalid_token for an expired token signed by the AuthServer', async () => {
    const expired = await forgeAccessToken(sys, {}, { expiresIn: -60 });
    const response = await getWeather(sys, expired);
    expect(response.status).toBe(401);
    expect(challenge(response)).toContain(
      'error="invalid_token", error_description="token expired"',
    );
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers 401 invalid_token for a token whose signature no longer matches', async () => {
    const response = await getWeather(sys, tamper(aliceToken, { sub: '88421113' }));
    expect(response.status).toBe(401);
    expect(challenge(response)).toContain('error="invalid_token"');
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
      scopes_supported: ['weatherget', 'api'],
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

  it("serves Swagger UI with the issuer's code flow and only the scopes its client may get", async () => {
    const ui = await fetch(`${sys.urls.api}/swagger`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const spec = (await (await fetch(`${sys.urls.api}/swagger-json`)).json()) as {
      components: { securitySchemes: Record<string, unknown> };
    };
    const discovery = (await (
      await fetch(`${sys.urls.issuer}/.well-known/openid-configuration`)
    ).json()) as { authorization_endpoint: string; token_endpoint: string };
    expect(Object.values(spec.components.securitySchemes)).toEqual([
      {
        type: 'oauth2',
        flows: {
          authorizationCode: {
            authorizationUrl: discovery.authorization_endpoint,
            tokenUrl: discovery.token_endpoint,
            scopes: WEATHER_API_SCOPES,
          },
        },
      },
    ]);
  });

  it("serves Swagger UI's redirect page, which reads the query's + as spaces", async () => {
    const page = await fetch(`${sys.urls.api}/swagger/oauth2-redirect.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html.indexOf('%20')).toBeLessThan(html.indexOf('oauth2-redirect.js'));
    // The script it runs is still Swagger UI's own.
    const script = await fetch(`${sys.urls.api}/swagger/oauth2-redirect.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('swaggerUIRedirectOauth2');
  });
});
