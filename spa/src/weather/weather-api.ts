import { authorizedFetch, type AccessCredential } from '../http/access-credential';
import { HttpProblemError, problemFromResponse } from '../http/http-problem';

export const API_SERVICE = 'the weather API';

export interface Forecast {
  readonly date: string;
  readonly temperatureC: number;
  readonly temperatureF: number;
  readonly summary: string | null;
}

function isForecast(value: unknown): value is Forecast {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  return (
    typeof f.date === 'string' &&
    typeof f.temperatureC === 'number' &&
    typeof f.temperatureF === 'number' &&
    (typeof f.summary === 'string' || f.summary === null || f.summary === undefined)
  );
}

/** GET /WeatherForecast with the API-audience access token, DPoP-bound or Bearer. */
export async function fetchForecasts(
  apiBaseUrl: string,
  credential: AccessCredential,
  fetchFn: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<Forecast[]> {
  const response = await authorizedFetch(
    API_SERVICE,
    `${apiBaseUrl}/WeatherForecast`,
    { headers: { Accept: 'application/json' }, ...(signal && { signal }) },
    credential,
    fetchFn,
  );
  if (!response.ok) throw new HttpProblemError(problemFromResponse(API_SERVICE, response));
  const body: unknown = await response.json().catch(() => undefined);
  if (!Array.isArray(body) || !body.every(isForecast)) {
    throw new HttpProblemError({
      kind: 'bad-response',
      service: API_SERVICE,
      detail: 'expected a JSON array of { date, temperatureC, temperatureF, summary }',
    });
  }
  return body.map((f) => ({ ...f, summary: f.summary ?? null }));
}
