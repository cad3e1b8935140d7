import { describe, expect, it, vi } from 'vitest';
import { emptyResponse, jsonResponse } from '../test/responses';
import {
  authorizedFetch,
  htuOf,
  type AccessCredential,
  type DpopProver,
} from './access-credential';

const URL_WITH_QUERY = 'http://api.test/WeatherForecast?days=5#top';

function dpopCredential(nonces = new Map<string, string>()) {
  const prove = vi.fn<DpopProver>((htu, htm, nonce) =>
    Promise.resolve(`proof(${htm} ${htu}${nonce ? ` nonce=${nonce}` : ''})`),
  );
  const credential: AccessCredential = { accessToken: 'at', dpop: { prove, nonces } };
  return { credential, prove, nonces };
}

function sentHeaders(fetchFn: ReturnType<typeof vi.fn<typeof fetch>>): Headers[] {
  return fetchFn.mock.calls.map(([, init]) => new Headers(init?.headers));
}

const nonceDemand = (nonce: string) =>
  emptyResponse(401, {
    'WWW-Authenticate': 'DPoP error="use_dpop_nonce", error_description="nonce required"',
    'DPoP-Nonce': nonce,
  });

describe('authorizedFetch', () => {
  it('sends a Bearer token as Authorization: Bearer, with no proof', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(jsonResponse([]));
    await authorizedFetch('the API', URL_WITH_QUERY, {}, { accessToken: 'at' }, fetchFn);
    const [headers] = sentHeaders(fetchFn);
    expect(headers?.get('authorization')).toBe('Bearer at');
    expect(headers?.has('dpop')).toBe(false);
  });

  it('sends a bound token as Authorization: DPoP with a proof for this method and URL', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(jsonResponse([]));
    const { credential, prove } = dpopCredential();
    await authorizedFetch(
      'the API',
      URL_WITH_QUERY,
      { method: 'POST', headers: { Accept: 'application/json' } },
      credential,
      fetchFn,
    );
    const [headers] = sentHeaders(fetchFn);
    expect(headers?.get('authorization')).toBe('DPoP at');
    expect(headers?.get('dpop')).toBe('proof(POST http://api.test/WeatherForecast)');
    expect(headers?.get('accept')).toBe('application/json');
    expect(prove).toHaveBeenCalledWith('http://api.test/WeatherForecast', 'POST', undefined);
  });

  it('answers a use_dpop_nonce challenge once, with a new proof carrying the nonce', async () => {
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(nonceDemand('n-1'))
      .mockResolvedValueOnce(jsonResponse([]));
    const { credential } = dpopCredential();
    const response = await authorizedFetch('the API', URL_WITH_QUERY, {}, credential, fetchFn);
    expect(response.status).toBe(200);
    expect(sentHeaders(fetchFn).map((h) => h.get('dpop'))).toEqual([
      'proof(GET http://api.test/WeatherForecast)',
      'proof(GET http://api.test/WeatherForecast nonce=n-1)',
    ]);
  });

  it('hands back a second nonce demand instead of looping', async () => {
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(nonceDemand('n-1'))
      .mockResolvedValueOnce(nonceDemand('n-2'));
    const { credential } = dpopCredential();
    const response = await authorizedFetch('the API', URL_WITH_QUERY, {}, credential, fetchFn);
    expect(response.status).toBe(401);
    expect(fetchFn).toHaveBeenCalledTimes(2);
  });

  it('does not retry a 401 that demands no nonce', async () => {
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockResolvedValue(emptyResponse(401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }));
    const { credential } = dpopCredential();
    const response = await authorizedFetch('the API', URL_WITH_QUERY, {}, credential, fetchFn);
    expect(response.status).toBe(401);
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });

  it("keeps each origin's latest nonce for the next request (RFC 9449 §8)", async () => {
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(nonceDemand('n-1'))
      .mockResolvedValueOnce(jsonResponse([], { headers: { 'DPoP-Nonce': 'n-2' } }))
      .mockResolvedValueOnce(jsonResponse([]));
    const { credential, prove, nonces } = dpopCredential();
    await authorizedFetch('the API', URL_WITH_QUERY, {}, credential, fetchFn);
    await authorizedFetch('the API', URL_WITH_QUERY, {}, credential, fetchFn);
    expect(prove.mock.calls.map(([, , nonce]) => nonce)).toEqual([undefined, 'n-1', 'n-2']);
    expect(nonces.get('http://api.test')).toBe('n-2');
  });
});

describe('htuOf', () => {
  it('drops the query and fragment (RFC 9449 §4.2)', () => {
    expect(htuOf(URL_WITH_QUERY)).toBe('http://api.test/WeatherForecast');
  });
});
