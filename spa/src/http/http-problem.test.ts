import { describe, expect, it, vi } from 'vitest';
import { emptyResponse } from '../test/responses';
import {
  describeProblem,
  fetchAnyStatus,
  fetchOk,
  HttpProblemError,
  problemFromResponse,
  type HttpProblem,
} from './http-problem';

const SERVICE = 'the weather API';

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpProblemError) return error.problem;
    throw error;
  }
  throw new Error('expected an HttpProblemError');
}

describe('problemFromResponse', () => {
  it('maps 401 with its RFC 6750 error', () => {
    const response = emptyResponse(401, {
      'WWW-Authenticate': 'Bearer error="invalid_token", error_description="jwt expired"',
    });
    expect(problemFromResponse(SERVICE, response)).toEqual({
      kind: 'unauthorized',
      service: SERVICE,
      error: 'invalid_token',
      description: 'jwt expired',
    });
  });

  it('maps 403 insufficient_scope and keeps the scope', () => {
    const response = emptyResponse(403, {
      'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="weatherget"',
    });
    expect(problemFromResponse(SERVICE, response)).toEqual({
      kind: 'forbidden',
      service: SERVICE,
      error: 'insufficient_scope',
      scope: 'weatherget',
    });
  });

  it('maps 403 without a readable header (e.g. not exposed through CORS)', () => {
    expect(problemFromResponse(SERVICE, emptyResponse(403))).toEqual({
      kind: 'forbidden',
      service: SERVICE,
    });
  });

  it('separates server errors from other statuses', () => {
    expect(problemFromResponse(SERVICE, emptyResponse(500))).toEqual({
      kind: 'server-error',
      service: SERVICE,
      status: 500,
    });
    expect(problemFromResponse(SERVICE, emptyResponse(503)).kind).toBe('server-error');
    expect(problemFromResponse(SERVICE, emptyResponse(404))).toEqual({
      kind: 'unexpected-status',
      service: SERVICE,
      status: 404,
    });
  });
});

describe('fetchOk', () => {
  it('passes 2xx responses through', async () => {
    const ok = new Response('[]', { status: 200 });
    const response = await fetchOk(
      SERVICE,
      'http://api/x',
      {},
      vi.fn<typeof fetch>().mockResolvedValue(ok),
    );
    expect(response).toBe(ok);
  });

  it('turns a rejected fetch into "unreachable" with the URL', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch'));
    expect(await problemOf(fetchOk(SERVICE, 'http://api/x', {}, fetchFn))).toEqual({
      kind: 'unreachable',
      service: SERVICE,
      url: 'http://api/x',
      detail: 'Failed to fetch',
    });
  });

  it('rethrows aborts untouched', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    const fetchFn = vi.fn<typeof fetch>().mockRejectedValue(abort);
    await expect(fetchOk(SERVICE, 'http://api/x', {}, fetchFn)).rejects.toBe(abort);
  });

  it('throws the mapped problem for error statuses', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(emptyResponse(500));
    expect((await problemOf(fetchOk(SERVICE, 'http://api/x', {}, fetchFn))).kind).toBe(
      'server-error',
    );
  });
});

describe('fetchAnyStatus', () => {
  it('passes error statuses through for the caller to read', async () => {
    const refused = emptyResponse(400);
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(refused);
    expect(await fetchAnyStatus(SERVICE, 'http://api/x', {}, fetchFn)).toBe(refused);
  });
});

describe('describeProblem', () => {
  it('tells the user to sign in again on 401', () => {
    const text = describeProblem({
      kind: 'unauthorized',
      service: SERVICE,
      error: 'invalid_token',
    });
    expect(text.title).toMatch(/session has expired.*sign in again/i);
    expect(text.detail).toContain('invalid_token');
    expect(text.action).toBe('sign-in');
  });

  it('names the missing scope on 403', () => {
    const text = describeProblem({ kind: 'forbidden', service: SERVICE, scope: 'weatherget' });
    expect(text.title).toBe('Missing scope "weatherget"');
    expect(text.detail).toContain('"weatherget"');
  });

  it('says the service is unreachable on network errors, offering a retry', () => {
    const text = describeProblem({
      kind: 'unreachable',
      service: SERVICE,
      url: 'http://localhost:5000/WeatherForecast',
      detail: 'Failed to fetch',
    });
    expect(text.title).toBe('The weather API is unreachable');
    expect(text.detail).toContain('http://localhost:5000/WeatherForecast');
    expect(text.action).toBe('retry');
  });

  it('reports the status of server errors', () => {
    expect(
      describeProblem({ kind: 'server-error', service: SERVICE, status: 502 }).detail,
    ).toContain('502');
  });
});
