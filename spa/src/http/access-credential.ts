import { fetchAnyStatus } from './http-problem';
import { parseWwwAuthenticate } from './www-authenticate';

/** Signs one DPoP proof (RFC 9449 §4.2) with the key the access token is bound to. */
export type DpopProver = (htu: string, htm: string, nonce: string | undefined) => Promise<string>;

/** What a request to a resource server authenticates with. */
export interface AccessCredential {
  readonly accessToken: string;
  /** Present when the token is DPoP-bound (RFC 9449 §6); absent for a Bearer token. */
  readonly dpop?: {
    readonly prove: DpopProver;
    /** The last nonce each origin gave (RFC 9449 §8), sent until it gives another. */
    readonly nonces: Map<string, string>;
  };
}

/** RFC 9449 §4.2: `htu` is the target URI without query and fragment. */
export function htuOf(url: string): string {
  const target = new URL(url);
  return `${target.origin}${target.pathname}`;
}

/** RFC 9449 §9: a 401 whose DPoP challenge says `use_dpop_nonce`, with the nonce to use. */
function nonceDemanded(response: Response): string | undefined {
  if (response.status !== 401) return undefined;
  const nonce = response.headers.get('dpop-nonce');
  const asked = parseWwwAuthenticate(response.headers.get('www-authenticate')).some(
    (challenge) => challenge.scheme === 'dpop' && challenge.params.error === 'use_dpop_nonce',
  );
  return asked && nonce ? nonce : undefined;
}

/**
 * fetchAnyStatus with the access token: `Authorization: Bearer` (RFC 6750 §2.1), or for a bound
 * token `Authorization: DPoP` and a fresh proof in `DPoP` (RFC 9449 §7.1). When the server
 * demands a nonce the request is sent once more with it (§9); a second demand is the answer.
 */
export async function authorizedFetch(
  service: string,
  url: string,
  init: RequestInit,
  credential: AccessCredential,
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  const { dpop } = credential;
  if (!dpop) {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${credential.accessToken}`);
    return fetchAnyStatus(service, url, { ...init, headers }, fetchFn);
  }

  const origin = new URL(url).origin;
  const send = async (nonce: string | undefined): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `DPoP ${credential.accessToken}`);
    headers.set('DPoP', await dpop.prove(htuOf(url), init.method ?? 'GET', nonce));
    const response = await fetchAnyStatus(service, url, { ...init, headers }, fetchFn);
    // §8.2: a server may hand out the next nonce on any answer, not only on a challenge.
    const next = response.headers.get('dpop-nonce');
    if (next) dpop.nonces.set(origin, next);
    return response;
  };

  const first = await send(dpop.nonces.get(origin));
  const nonce = nonceDemanded(first);
  if (nonce === undefined) return first;
  await first.body?.cancel();
  return send(nonce);
}
