import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';

export interface WeatherForecast {
  /** ISO date (yyyy-mm-dd). */
  readonly date: string;
  readonly temperatureC: number;
  readonly temperatureF: number;
  readonly summary: string;
}

export const SUMMARIES = [
  'Freezing',
  'Bracing',
  'Chilly',
  'Cool',
  'Mild',
  'Warm',
  'Balmy',
  'Hot',
  'Sweltering',
  'Scorching',
] as const;

export function toFahrenheit(celsius: number): number {
  return 32 + Math.trunc(celsius / 0.5556);
}

@Injectable()
export class WeatherService {
  /** Five days of forecasts, starting tomorrow. */
  forecast(today: Date = new Date()): WeatherForecast[] {
    return Array.from({ length: 5 }, (_, i) => {
      const day = new Date(
        Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + i + 1),
      );
      const temperatureC = randomInt(-20, 55);
      return {
        date: day.toISOString().slice(0, 10),
        temperatureC,
        temperatureF: toFahrenheit(temperatureC),
        summary: SUMMARIES[randomInt(SUMMARIES.length)]!,
      };
    });
  }
}
