import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOAuth2,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireScopes } from '../bearer/scopes.decorator';
import { ApiBearerGuard } from './api-auth';
import { SummaryBandDto } from './summary-band.dto';
import { WeatherForecastDto } from './weather-forecast.dto';
import { SummaryBand, WeatherForecast, WeatherService } from './weather.service';

@ApiTags('weather')
@Controller('WeatherForecast')
@UseGuards(ApiBearerGuard)
export class WeatherController {
  constructor(private readonly weather: WeatherService) {}

  @Get()
  @RequireScopes('weatherget')
  @ApiOAuth2(['weatherget'])
  @ApiOperation({ summary: 'Five days of weather forecasts' })
  @ApiOkResponse({ type: WeatherForecastDto, isArray: true })
  @ApiUnauthorizedResponse({ description: 'No valid access token for this API' })
  @ApiForbiddenResponse({ description: 'The access token lacks the weatherget scope' })
  get(): WeatherForecast[] {
    return this.weather.forecast();
  }

  /** Read-only reference data for machine clients: what `m2m.client`'s `api` scope can read. */
  @Get('summaries')
  @RequireScopes('api')
  @ApiOAuth2(['api'])
  @ApiOperation({ summary: 'Which summary each temperature range gets, coldest first' })
  @ApiOkResponse({ type: SummaryBandDto, isArray: true })
  @ApiUnauthorizedResponse({ description: 'No valid access token for this API' })
  @ApiForbiddenResponse({ description: 'The access token lacks the api scope' })
  summaries(): readonly SummaryBand[] {
    return this.weather.summaryScale();
  }
}
