import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import type { WorkloadIssuer } from './workload-issuer';
import { setNewest } from '../../core/bounded-map';

/** A workload issuer's JWKS answers within this, or the request fails (SEP-1933 timeouts). */
export const JWKS_TIMEOUT_MS = 2_500;
/** A JWKS larger than this is refused unread: a key set is a few kilobytes. */
export const JWKS_MAX_BYTES = 64 * 1024;

/** Thrown when the JWKS is too large: the issuer is misbehaving, not down. */
export class JwksTooLargeError extends Error {
  override readonly name = 'JwksTooLargeError';
}

/**
 * Key sets per JWKS URI, kept across requests so jose's cache and cooldown apply (SEP-1933:
 * cache keys, rate-limit fetching). Trusted issuers are added and removed at run time, so the
 * map is an LRU of at most `maxSets` (JWKS_SETS_MAX): a set dropped is fetched again when used.
 */
export class IssuerKeys {
  // A Map iterates in insertion order: re-inserting on use makes the first key the coldest.
  private readonly remote = new Map<string, JWTVerifyGetKey>();

  constructor(
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly maxSets = 100,
  ) {}

  for(issuer: Pick<WorkloadIssuer, 'jwks' | 'jwksUri'>): JWTVerifyGetKey {
    if (issuer.jwks) return createLocalJWKSet(issuer.jwks);
    const uri = issuer.jwksUri!;
    const keys =
      this.remote.get(uri) ??
      createRemoteJWKSet(new URL(uri), {
        timeoutDuration: JWKS_TIMEOUT_MS,
        [customFetch]: (url, options) => this.cappedFetch(url, options),
      });
    setNewest(this.remote, uri, keys, this.maxSets);
    return keys;
  }

  /** Reads at most JWKS_MAX_BYTES, no redirects, and hands jose a complete response. */
  private async cappedFetch(url: string, options: RequestInit): Promise<Response> {
    const response = await this.fetchImpl(url, { ...options, redirect: 'error' });
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > JWKS_MAX_BYTES) {
      await response.body?.cancel();
      throw new JwksTooLargeError('JWKS is too large');
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      size += next.value.byteLength;
      if (size > JWKS_MAX_BYTES) {
        await reader?.cancel();
        throw new JwksTooLargeError('JWKS is too large');
      }
      chunks.push(next.value);
    }
    return new Response(Buffer.concat(chunks), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  }
}
