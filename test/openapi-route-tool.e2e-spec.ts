import { Controller, Get, type INestApplication, type Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { RESOURCE_SERVER, TOKEN_VERIFIER } from '../src/bearer/bearer.tokens';
import { RequireScopes } from '../src/bearer/scopes.decorator';
import { loadConfig } from '../src/config/config';
import { apiTools } from '../src/mcp/openapi/operation-tools';
import { weatherOpenApiDocument } from '../src/weather/openapi-document';
import { WeatherController } from '../src/weather/weather.controller';
import { WeatherService } from '../src/weather/weather.service';

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
  const [weather] = shared.apis;
  let app: INestApplication;

  async function toolsOf(controllers: Type[]) {
    const moduleRef = await Test.createTestingModule({
      controllers,
      providers: [
        WeatherService,
        // Only the OpenAPI document is read here: no request reaches the bearer guard.
        { provide: RESOURCE_SERVER, useValue: {} },
        { provide: TOKEN_VERIFIER, useValue: {} },
      ],
    }).compile();
    app = moduleRef.createNestApplication(new FastifyAdapter());
    await app.init();
    const document = weatherOpenApiDocument(app, shared, weather!);
    await app.close();
    // As the MCP server reads it: checked by swagger-parser, its $refs left for $defs.
    const resolved = await SwaggerParser.parse(
      structuredClone(document) as unknown as OpenAPIV3.Document,
    );
    return apiTools(weather!, resolved as OpenAPIV3.Document, undefined);
  }

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
