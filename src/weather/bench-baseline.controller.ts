import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { WeatherForecast, WeatherService } from './weather.service';

/**
 * `GET /WeatherForecast` without the guard, for `npm run bench` only: the protected route's
 * cost minus the token check, on the same server. Never mounted in production.
 */
@ApiExcludeController()
@Controller('bench/WeatherForecast')
export class BenchBaselineController {
  constructor(private readonly weather: WeatherService) {}

  @Get()
  get(): WeatherForecast[] {
    return this.weather.forecast();
  }
}
