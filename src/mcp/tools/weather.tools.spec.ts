import { Logger } from '@nestjs/common';
import { Principal } from '../../bearer/principal';
import { UpstreamError, UpstreamFailure } from '../upstream/upstream.error';
import { WeatherApiClient } from '../upstream/weather-api.client';
import { WeatherTools } from './weather.tools';

const caller: Principal = {
  sub: 'alice',
  clientId: 'c',
  scope: 'weatherget',
  scopes: ['weatherget'],
  audience: ['http://localhost:8010/mcp'],
  expiresAt: 0,
  token: 't',
};

const toolsWith = (forecasts: WeatherApiClient['forecasts']) =>
  new WeatherTools({ forecasts } as Pick<WeatherApiClient, 'forecasts'> as WeatherApiClient);

describe('get-weather-forecast', () => {
  // Failures are logged for the operator; keep them out of the test output.
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  beforeEach(() => warn.mockClear());

  it('returns the forecasts as text and structured content', async () => {
    const forecast = { date: '2026-01-02', temperatureC: 10, temperatureF: 49, summary: 'Cool' };
    const result = await toolsWith(() => Promise.resolve([forecast])).getWeatherForecast(
      {},
      caller,
    );
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ forecasts: [forecast] });
    expect(result.content).toEqual([
      { type: 'text', text: 'Forecast for the next 1 days:\n2026-01-02: Cool, 10 °C (49 °F)' },
    ]);
  });

  it.each<[UpstreamFailure, RegExp]>([
    ['api_unavailable', /temporarily unavailable/],
    ['auth_server_unavailable', /temporarily unavailable/],
    ['exchange_refused', /reconnect/],
    ['api_forbidden', /weatherget/],
  ])('turns %s into an isError result the model can act on', async (code, advice) => {
    const result = await toolsWith(() =>
      Promise.reject(new UpstreamError(code, 'detail')),
    ).getWeatherForecast({}, caller);
    expect(result.isError).toBe(true);
    const [text] = result.content;
    expect(text?.type === 'text' && text.text).toMatch(advice);
    expect(JSON.stringify(result)).not.toContain('detail');
  });

  it('does not reveal unexpected errors', async () => {
    const result = await toolsWith(() =>
      Promise.reject(new Error('secret stack')),
    ).getWeatherForecast({}, caller);
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ msg: 'get-weather-forecast failed' });
  });
});
