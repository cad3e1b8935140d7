import { ApiProperty } from '@nestjs/swagger';
import type { WeatherForecast } from './weather.service';

/** The OpenAPI shape of a forecast. */
export class WeatherForecastDto implements WeatherForecast {
  @ApiProperty({ example: '2026-11-27', format: 'date' })
  readonly date!: string;

  @ApiProperty({ example: 12 })
  readonly temperatureC!: number;

  @ApiProperty({ example: 53 })
  readonly temperatureF!: number;

  @ApiProperty({ example: 'Mild' })
  readonly summary!: string;
}
