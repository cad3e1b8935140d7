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
import { WeatherForecastDto } from './weather-forecast.dto';
import { WeatherForecast, WeatherService } from './weather.service';

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
}
