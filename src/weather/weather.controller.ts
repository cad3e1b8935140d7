import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiExtension,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireScopes } from '../bearer/scopes.decorator';
import { BearerGuard } from '../bearer/bearer.guard';
import { SummaryBandDto } from './summary-band.dto';
import { WeatherForecastDto } from './weather-forecast.dto';
import { SummaryBand, WeatherForecast, WeatherService } from './weather.service';

@ApiTags('weather')
@Controller('WeatherForecast')
@UseGuards(BearerGuard)
export class WeatherController {
  constructor(private readonly weather: WeatherService) {}

  @Get()
  @RequireScopes('weatherget')
  // The operationId is the MCP tool's name: the MCP server builds its tools from this document.
  @ApiOperation({
    operationId: 'get-weather-forecast',
    summary: 'Weather forecast',
    description:
      'Get the weather forecast for the next five days: for each day its date, temperature in ' +
      'Celsius and Fahrenheit, and a one-word summary. Takes no arguments.',
  })
  @ApiExtension('x-mcp-result-name', 'forecasts')
  @ApiOkResponse({ type: WeatherForecastDto, isArray: true })
  @ApiUnauthorizedResponse({ description: 'No valid access token for this API' })
  @ApiForbiddenResponse({ description: `The access token lacks the weatherget scope` })
  get(): WeatherForecast[] {
    return this.weather.forecast();
  }

  /** Read-only reference data for machine clients: what `m2m.client`'s `api` scope can read. */
  @Get('summaries')
  @RequireScopes('api')
  @ApiOperation({
    operationId: 'get-weather-summaries',
    summary: 'Which summary each temperature range gets, coldest first',
  })
  @ApiExtension('x-mcp-result-name', 'bands')
  @ApiOkResponse({ type: SummaryBandDto, isArray: true })
  @ApiUnauthorizedResponse({ description: 'No valid access token for this API' })
  @ApiForbiddenResponse({ description: `The access token lacks the api scope` })
  summaries(): readonly SummaryBand[] {
    return this.weather.summaryScale();
  }
}
