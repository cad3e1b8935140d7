import { Controller, Get, type Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { RequireScopes } from '../src/bearer/scopes.decorator';
import { loadConfig } from '../src/config/config';
import { WeatherController } from '../src/weather/weather.controller';
import { toolsOfDocument, weatherDocumentOf } from './support/weather-document';

/** A route someone adds to the weather API: an operationId and the scope decorator. */
@Controller('WeatherForecast')
class AlertsController {
  @Get('alerts')
  @RequireScopes('weatherget')
  @ApiOperation({ operationId: 'get-weather-alerts', summary: 'Active weather alerts' })
  @ApiOkResponse({ schema: { type: 'object', properties: { alerts: { type: 'array' } } } })
  alerts() {
    return { alerts: [] };
  }
}

/** The weather tools come from the API's own OpenAPI document, so a new route is a new tool. */
describe('a Nest route with an operationId is an MCP tool', () => {
  const { shared } = loadConfig({});
  const toolsOf = async (controllers: Type[]) =>
    toolsOfDocument(shared.apis[0]!, await weatherDocumentOf(shared, controllers));

  it('every scoped route of the weather API is a tool with its own scope', async () => {
    const { tools, skipped } = await toolsOf([WeatherController]);
    expect(tools.map((t) => t.name)).toEqual(['get-weather-forecast', 'get-weather-summaries']);
    expect(tools[0]).toMatchObject({
      scopes: ['weatherget'],
      annotations: { readOnlyHint: true, destructiveHint: false },
      output: { wrapKey: 'forecasts' },
    });
    expect(tools[1]).toMatchObject({ scopes: ['api'], output: { wrapKey: 'bands' } });
    expect(skipped).toEqual([]);
  });

  it('adding the route adds the tool, with the route scope', async () => {
    const { tools } = await toolsOf([WeatherController, AlertsController]);
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get-weather-alerts',
      'get-weather-forecast',
      'get-weather-summaries',
    ]);
    expect(tools.find((t) => t.name === 'get-weather-alerts')).toMatchObject({
      scopes: ['weatherget'],
      method: 'get',
      path: '/WeatherForecast/alerts',
      description: 'Active weather alerts',
    });
  });
});
