import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireScopes } from '../bearer/scopes.decorator';
import { SCOPE } from '../core/protocol';
import { ApiBearerGuard } from './api-auth';
import { SummaryBandDto } from './summary-band.dto';
import { WeatherForecastDto } from './weather-forecast.dto';
import { SummaryBand, WeatherForecast, WeatherService } from './weather.service';

/** The OpenAPI security scheme: OpenID Connect discovery at the issuer. */
export const OIDC_SECURITY = 'oidc';

@ApiTags('weather')
@Controller('WeatherForecast')
@UseGuards(ApiBearerGuard)
export class WeatherController {
  constructor(private readonly weather: WeatherService) {}

  @Get()
  @RequireScopes(SCOPE.weatherget)
  @ApiSecurity(OIDC_SECURITY, [SCOPE.weatherget])
  @ApiOperation({ summary: 'Five days of weather forecasts' })
  @ApiOkResponse({ type: WeatherForecastDto, isArray: true })
  @ApiUnauthorizedResponse({ description: 'No valid access token for this API' })
  @ApiForbiddenResponse({ description: `The access token lacks the ${SCOPE.weatherget} scope` })
  get(): WeatherForecast[] {
    return this.weather.forecast();
  }

  /** Read-only reference data for machine clients: what `m2m.client`'s `api` scope can read. */
  @Get('summaries')
  @RequireScopes(SCOPE.api)
  @ApiSecurity(OIDC_SECURITY, [SCOPE.api])
  @ApiOperation({ summary: 'Which summary each temperature range gets, coldest first' })
  @ApiOkResponse({ type: SummaryBandDto, isArray: true })
  @ApiUnauthorizedResponse({ description: 'No valid access token for this API' })
  @ApiForbiddenResponse({ description: `The access token lacks the ${SCOPE.api} scope` })
  summaries(): readonly SummaryBand[] {
    return this.weather.summaryScale();
  }
}
