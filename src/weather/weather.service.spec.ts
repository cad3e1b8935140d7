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

  it('converts like the seed: 32 + (int)(C / 0.5556)', () => {
    expect(toFahrenheit(0)).toBe(32);
    expect(toFahrenheit(37)).toBe(98);
    expect(toFahrenheit(100)).toBe(211);
    // Truncation toward zero, not flooring: -20 / 0.5556 = -35.99…
    expect(toFahrenheit(-20)).toBe(-3);
    expect(toFahrenheit(-1)).toBe(31);
  });

  it('keeps the seed’s ten summaries, coldest to hottest', () => {
    expect(SUMMARIES).toEqual([
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
    ]);
  });
});
