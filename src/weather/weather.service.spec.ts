import { SUMMARIES, toFahrenheit, WeatherService } from './weather.service';

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
