import { defaultApis, type ScopeTexts, WEATHER_API_SCOPES } from '../src/config/apis';
import { loadConfig, type SharedConfig } from '../src/config/config';
import { ConfiguredClients, seedClients } from '../src/auth/catalog/clients';
import { ResourceRegistry } from '../src/auth/catalog/resources';
import { resourceServerInfo } from '../src/auth/tokens/resource-server';
import { SpaConfigController } from '../src/spa/spa-config.controller';
import { UndeclaredScopeError } from '../src/weather/openapi-document';
import { WeatherController } from '../src/weather/weather.controller';
import { AlertsController } from './fixtures/alerts/alerts.controller';
import { SCOPES_WITH_ALERTS } from './fixtures/alerts/alerts.scopes';
import { readmeExcerpts, sourceOf } from './support/readme-excerpts';
import { toolsOfDocument, weatherDocumentOf } from './support/weather-document';

/** Where the README's recipe blocks live in this repository: the fixtures that follow it. */
const FIXTURE_OF: Readonly<Record<string, string>> = {
  'src/config/apis.ts': 'test/fixtures/alerts/alerts.scopes.ts',
  'src/weather/weather.controller.ts': 'test/fixtures/alerts/alerts.controller.ts',
};

function sharedWith(scopes: ScopeTexts): SharedConfig {
  const shared = loadConfig({}).shared;
  const defaults = {
    apiResource: shared.apiResource,
    apiInternalUrl: shared.apiInternalUrl,
    mcpResource: shared.mcpResource,
  };
  return { ...shared, apis: defaultApis(defaults, scopes) };
}

describe('the README recipe "Protect a new route with a new scope"', () => {
  const shared = sharedWith(SCOPES_WITH_ALERTS);

  it('is the code of the fixtures, line for line', () => {
    const excerpts = readmeExcerpts('### Protect a new route with a new scope');
    expect(excerpts.map((e) => e.path)).toEqual(Object.keys(FIXTURE_OF));
    for (const { path, fragments } of excerpts) {
      for (const fragment of fragments) expect(sourceOf(FIXTURE_OF[path]!)).toContain(fragment);
    }
  });

  it('makes the route an MCP tool that exchanges for the new scope', async () => {
    const document = await weatherDocumentOf(shared, [WeatherController, AlertsController]);
    expect(document.paths['/WeatherForecast/alerts']?.get?.security).toEqual([
      { oidc: ['weather:alerts'] },
    ]);
    const flows = document.components?.securitySchemes?.oidc;
    expect(flows).toMatchObject({
      flows: {
        authorizationCode: {
          scopes: { 'weather:alerts': 'Read severe-weather alerts for your area' },
        },
      },
    });
    const { tools } = await toolsOfDocument(shared.apis[0]!, document);
    expect(tools.find((t) => t.name === 'get-weather-alerts')).toMatchObject({
      scopes: ['weather:alerts'],
      path: '/WeatherForecast/alerts',
    });
  });

  it('without the list line, the API refuses to start and names the route', async () => {
    await expect(
      weatherDocumentOf(sharedWith(WEATHER_API_SCOPES), [WeatherController, AlertsController]),
    ).rejects.toThrow(UndeclaredScopeError);
    await expect(
      weatherDocumentOf(sharedWith(WEATHER_API_SCOPES), [WeatherController, AlertsController]),
    ).rejects.toThrow('GET /WeatherForecast/alerts requires "weather:alerts"');
  });

  it('reaches the AuthServer: tokens, consent text, and the clients that may ask for it', () => {
    const resources = new ResourceRegistry(shared, 120);
    const config = loadConfig({}).auth;
    const clients = new ConfiguredClients(seedClients(shared, config, resources));
    const scopeOf = (id: string) =>
      String(clients.metadata.find((c) => c.client_id === id)?.scope).split(' ');

    expect(resourceServerInfo(resources, shared.apiResource).scope.split(' ')).toContain(
      'weather:alerts',
    );
    expect(resourceServerInfo(resources, shared.mcpResource).scope.split(' ')).toContain(
      'weather:alerts',
    );
    expect(resources.describe('weather:alerts')).toBe('Read severe-weather alerts for your area');
    for (const id of ['interactive', 'swagger', 'cli', shared.clientIds.mcpServer])
      expect(scopeOf(id)).toContain('weather:alerts');
    expect(scopeOf('m2m.client')).toEqual(['api']);
  });

  it('reaches the SPA through /spa-config.json', () => {
    const scope = new SpaConfigController(shared).runtimeConfig().scope.split(' ');
    expect(scope).toEqual(expect.arrayContaining(['openid', 'weatherget', 'weather:alerts']));
  });
});
