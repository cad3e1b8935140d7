import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';

export interface WeatherForecast {
  /** ISO date (yyyy-mm-dd). */
  readonly date: string;
  readonly temperatureC: number;
  readonly temperatureF: number;
  readonly summary: string;
}

/** One summary and the temperatures it describes: `fromC` inclusive up to `toC` exclusive. */
export interface SummaryBand {
  readonly summary: (typeof SUMMARIES)[number];
  readonly fromC: number | null;
  readonly toC: number | null;
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

/**
 * Where each summary starts, coldest first: `SUMMARIES[i]` covers `[THRESHOLDS_C[i-1],
 * THRESHOLDS_C[i])`. The seed drew the summary at random, so "-10 °C Hot" happened; deriving it
 * from the temperature keeps the two consistent.
 */
const THRESHOLDS_C = [-5, 0, 6, 12, 18, 24, 29, 35, 42] as const;

/** The summary scale, coldest to hottest; the open ends are `null`. */
export const SUMMARY_BANDS: readonly SummaryBand[] = SUMMARIES.map((summary, i) => ({
  summary,
  fromC: i === 0 ? null : THRESHOLDS_C[i - 1]!,
  toC: i === THRESHOLDS_C.length ? null : THRESHOLDS_C[i]!,
}));

export function summaryFor(celsius: number): (typeof SUMMARIES)[number] {
  const band = THRESHOLDS_C.findIndex((threshold) => celsius < threshold);
  return SUMMARIES[band === -1 ? SUMMARIES.length - 1 : band]!;
}

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
        summary: summaryFor(temperatureC),
      };
    });
  }

  /** Which summary each temperature range gets. */
  summaryScale(): readonly SummaryBand[] {
    return SUMMARY_BANDS;
  }
}
