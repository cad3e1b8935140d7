import {
  SUMMARIES,
  SUMMARY_BANDS,
  summaryFor,
  toFahrenheit,
  WeatherService,
} from './weather.service';

const rank = (summary: string) => SUMMARIES.indexOf(summary as (typeof SUMMARIES)[number]);

describe('WeatherService', () => {
  const service = new WeatherService();

  it('forecasts five consecutive days starting tomorrow, in UTC', () => {
    const dates = service.forecast(new Date('2026-12-30T23:30:00Z')).map((f) => f.date);

    expect(dates).toEqual(['2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04']);
  });

  it('crosses the end of February in a leap year', () => {
    const dates = service.forecast(new Date('2028-02-27T00:15:00Z')).map((f) => f.date);

    expect(dates).toEqual(['2028-02-28', '2028-02-29', '2028-03-01', '2028-03-02', '2028-03-03']);
  });

  it('derives temperatureF from temperatureC, draws from the seed range and the summaries', () => {
    const forecasts = Array.from({ length: 200 }, () => service.forecast()).flat();

    for (const f of forecasts) {
      expect(f.temperatureF).toBe(toFahrenheit(f.temperatureC));
      expect(Number.isInteger(f.temperatureC)).toBe(true);
      expect(f.temperatureC).toBeGreaterThanOrEqual(-20);
      expect(f.temperatureC).toBeLessThan(55);
      expect(SUMMARIES).toContain(f.summary);
    }
    // 1000 draws: all from one summary or one temperature would mean the randomness is gone.
    expect(new Set(forecasts.map((f) => f.summary)).size).toBeGreaterThan(1);
    expect(new Set(forecasts.map((f) => f.temperatureC)).size).toBeGreaterThan(1);
  });

  it('gives every forecast the summary of its temperature: a warmer day never reads colder', () => {
    const forecasts = Array.from({ length: 400 }, () => service.forecast()).flat();
    const byTemperature = new Map<number, Set<string>>();
    for (const f of forecasts) {
      byTemperature.set(
        f.temperatureC,
        (byTemperature.get(f.temperatureC) ?? new Set()).add(f.summary),
      );
    }
    // One temperature, one summary.
    for (const summaries of byTemperature.values()) expect(summaries.size).toBe(1);
    // Sorted by temperature, the summaries climb the coldest-to-hottest list, never fall back.
    const sorted = [...forecasts].sort((a, b) => a.temperatureC - b.temperatureC);
    for (let i = 1; i < sorted.length; i++) {
      expect(rank(sorted[i]!.summary)).toBeGreaterThanOrEqual(rank(sorted[i - 1]!.summary));
    }
  });

  it('spans the whole scale over the seed range: the coldest day freezes, the hottest scorches', () => {
    const range = Array.from({ length: 75 }, (_, i) => i - 20);

    expect(summaryFor(-20)).toBe('Freezing');
    expect(summaryFor(54)).toBe('Scorching');
    expect(new Set(range.map(summaryFor))).toEqual(new Set(SUMMARIES));
    // The example: -10 °C reads colder than mild, 40 °C warmer.
    expect(rank(summaryFor(-10))).toBeLessThan(rank('Mild'));
    expect(rank(summaryFor(40))).toBeGreaterThan(rank('Mild'));
  });

  it('publishes a scale that agrees with the summaries it gives', () => {
    expect(SUMMARY_BANDS.map((b) => b.summary)).toEqual([...SUMMARIES]);
    expect(SUMMARY_BANDS[0]!.fromC).toBeNull();
    expect(SUMMARY_BANDS.at(-1)!.toC).toBeNull();
    for (const [i, band] of SUMMARY_BANDS.entries()) {
      if (i > 0) expect(band.fromC).toBe(SUMMARY_BANDS[i - 1]!.toC);
      if (band.fromC !== null) expect(summaryFor(band.fromC)).toBe(band.summary);
      if (band.toC !== null) {
        expect(summaryFor(band.toC - 1)).toBe(band.summary);
        expect(summaryFor(band.toC)).not.toBe(band.summary);
      }
    }
  });

  it('converts to Fahrenheit within a degree of the physical value, never going down', () => {
    const celsius = Array.from({ length: 301 }, (_, i) => i - 100);
    const fahrenheit = celsius.map(toFahrenheit);

    celsius.forEach((c, i) => {
      expect(Number.isInteger(fahrenheit[i])).toBe(true);
      // The seed truncates instead of rounding, so it may be off by up to one degree.
      expect(Math.abs(fahrenheit[i]! - (c * 9) / 5 - 32)).toBeLessThanOrEqual(1);
      if (i > 0) expect(fahrenheit[i]).toBeGreaterThanOrEqual(fahrenheit[i - 1]!);
    });
  });
});
