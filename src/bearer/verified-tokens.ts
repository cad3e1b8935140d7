import { hash } from 'node:crypto';
import { Principal } from './principal';
import { dropExpiredOldest, setNewest } from '../core/bounded-map';

/** What the cold path established about a token, minus the token itself. */
export interface VerifiedToken {
  readonly principal: Omit<Principal, 'token'>;
  readonly jti: string;
  readonly grantId: string | undefined;
  /** The subject token's `jti`, for a token obtained by exchange. */
  readonly exchangedFrom?: string;
  /** `cnf.jkt` of a DPoP-bound token (RFC 9449 §6.1): usable only with a proof by that key. */
  readonly boundTo?: string;
  /** Epoch ms of the token's `exp`: the entry is never used at or after it. */
  readonly expiresAt: number;
}

/**
 * Tokens whose signature, issuer, audience, `typ`, `alg` and `jti` have been checked, so each
 * token pays for that once. Keyed by a SHA-256 of the token (the tokens themselves are not
 * kept as keys), bounded as an LRU, and an entry dies at the token's `exp`, never later: it is
 * refused then, and the expired coldest entries are dropped on each insert, so the cache holds
 * about one token lifetime's worth of tokens rather than filling to its bound with dead ones.
 * Revocation is not cached here: it is checked on every request.
 */
export class VerifiedTokens {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the coldest.
  private readonly entries = new Map<string, VerifiedToken>();

  /** `max`: VERIFIED_TOKENS_MAX. */
  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string, now: number): VerifiedToken | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  put(token: string, entry: VerifiedToken, now: number): void {
    if (entry.expiresAt <= now) return;
    dropExpiredOldest(this.entries, now);
    setNewest(this.entries, keyOf(token), entry, this.max);
  }
}

function keyOf(token: string): string {
  return hash('sha256', token, 'base64url');
}
