import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SessionExpiredError } from '../auth/session-expired';
import { emptyResponse, jsonResponse } from '../test/responses';
import { WeatherPanel } from './WeatherPanel';

const API = 'http://localhost:5000';
const FORECASTS = [
  { date: '2026-07-01', temperatureC: 21, temperatureF: 69, summary: 'Mild' },
  { date: '2026-07-02', temperatureC: -3, temperatureF: 27, summary: 'Freezing' },
  { date: '2026-07-03', temperatureC: 35, temperatureF: 94, summary: 'Scorching' },
  { date: '2026-07-04', temperatureC: 10, temperatureF: 49, summary: null },
  { date: '2026-07-05', temperatureC: 15, temperatureF: 58, summary: 'Cool' },
];

const apiToken = () => Promise.resolve({ accessToken: 'api-token' });

function renderPanel(fetchFn: typeof fetch, onSignIn = vi.fn()) {
  render(
    <WeatherPanel apiBaseUrl={API} credential={apiToken} onSignIn={onSignIn} fetchFn={fetchFn} />,
  );
  return { onSignIn };
}

describe('WeatherPanel', () => {
  it('shows a loading state, then one table row per forecast', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(jsonResponse(FORECASTS));
    renderPanel(fetchFn);

    expect(screen.getByRole('status').textContent).toContain(`${API}/WeatherForecast`);
    const table = await screen.findByRole('table', { name: /5-day forecast/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    expect(
      within(rows[1] as HTMLElement)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['-3', '27', 'Freezing']);
    expect(within(rows[3] as HTMLElement).getAllByRole('cell')[2]?.textContent).toBe('—');
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Date',
      '°C',
      '°F',
      'Summary',
    ]);

    const [url, init] = fetchFn.mock.calls[0] ?? [];
    expect(url).toBe(`${API}/WeatherForecast`);
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer api-token');
  });

  it('says so when there are no forecasts', async () => {
    renderPanel(vi.fn<typeof fetch>().mockResolvedValue(jsonResponse([])));
    expect(await screen.findByText(/no forecasts right now/)).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('on 401 says the session expired and offers to sign in again', async () => {
    const { onSignIn } = renderPanel(
      vi
        .fn<typeof fetch>()
        .mockResolvedValue(
          emptyResponse(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
        ),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/session has expired: sign in again/i);
    fireEvent.click(within(alert).getByRole('button', { name: 'Sign in again' }));
    expect(onSignIn).toHaveBeenCalledOnce();
  });

  it('says the session expired when no token can be had, without calling the API', async () => {
    const fetchFn = vi.fn<typeof fetch>();
    const expired = () => Promise.reject(new SessionExpiredError());
    render(
      <WeatherPanel apiBaseUrl={API} credential={expired} onSignIn={vi.fn()} fetchFn={fetchFn} />,
    );
    expect((await screen.findByRole('alert')).textContent).toMatch(/session has expired/i);
    expect(fetchFn).not.toHaveBeenCalled();
  });

  it('on 403 names the missing scope from WWW-Authenticate', async () => {
    renderPanel(
      vi.fn<typeof fetch>().mockResolvedValue(
        emptyResponse(403, {
          'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="weatherget"',
        }),
      ),
    );
    expect((await screen.findByRole('alert')).textContent).toContain('Missing scope "weatherget"');
  });

  it('on a network error says the API is unreachable, and retries on request', async () => {
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(jsonResponse(FORECASTS));
    renderPanel(fetchFn);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The weather API is unreachable');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeTruthy();
    expect(fetchFn).toHaveBeenCalledTimes(2);
  });

  it('on 500 reports the status', async () => {
    renderPanel(vi.fn<typeof fetch>().mockResolvedValue(emptyResponse(500)));
    expect((await screen.findByRole('alert')).textContent).toContain('HTTP 500');
  });

  it('reports a body that is not a forecast list', async () => {
    renderPanel(vi.fn<typeof fetch>().mockResolvedValue(jsonResponse({ forecasts: [] })));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /Unreadable answer.*expected a JSON array/,
    );
  });
});
