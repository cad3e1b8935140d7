import type { Client } from '@modelcontextprotocol/client';
import { startAlertsSystem, type AlertsSystem } from './fixtures/alerts/alerts-system';
import { codeFlow } from './support/flows';
import { connectSignedIn, HeadlessOAuthProvider, loopbackCallback } from './support/mcp-oauth';

const CLIENT_INFO = { name: 'protect-route-recipe-e2e', version: '1.0.0' };

function getAlerts(sys: AlertsSystem, token?: string) {
  return fetch(`${sys.urls.api}/WeatherForecast/alerts`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/**
 * The README recipe "Protect a new route with a new scope", live: the API role's root module
 * imports WeatherModule and declares the recipe's controller, every role reads the list with
 * the new line, and clients see the result over real HTTP (RFC 6750 §3, RFC 9728 §5.1).
 */
describe('the README recipe, over real HTTP', () => {
  let sys: AlertsSystem;

  beforeAll(async () => {
    sys = await startAlertsSystem();
  });
  afterAll(() => sys?.close());

  it('answers 401 without a token, naming the new scope and the resource metadata', async () => {
    const response = await getAlerts(sys);
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toMatch(/scope="[^"]*\bweather:alerts\b[^"]*"/);
    expect(challenge).toContain(
      `resource_metadata="${sys.urls.api}/.well-known/oauth-protected-resource"`,
    );
  });

  it('answers 403 insufficient_scope naming the new scope to a token without it', async () => {
    const { access_token } = await codeFlow(sys, { scope: 'openid weatherget' });
    const response = await getAlerts(sys, access_token);
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toMatch(/scope="[^"]*\bweather:alerts\b[^"]*"/);
  });

  it('answers 200 to a token that carries it', async () => {
    const { access_token, scope } = await codeFlow(sys, { scope: 'openid weather:alerts' });
    expect(scope?.split(' ')).toContain('weather:alerts');
    const response = await getAlerts(sys, access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });

  it('becomes the MCP tool get-weather-alerts, which the official client lists and calls', async () => {
    const callback = await loopbackCallback();
    const provider = new HeadlessOAuthProvider({
      redirectUrl: callback.url,
      username: 'alice',
      password: 'alice',
    });
    let client: Client | undefined;
    try {
      ({ client } = await connectSignedIn(`${sys.urls.mcp}/mcp`, provider, CLIENT_INFO));
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('get-weather-alerts');
      const result = await client.callTool({ name: 'get-weather-alerts', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain('[]');
    } finally {
      await client?.close();
      await callback.close();
    }
  });
});
