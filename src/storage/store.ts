import { Revocation, RevocationListener, RevocationWatch } from './revocation-events';

/**
 * What the authorization server persists, implemented by SQLite (embedded default) and
 * PostgreSQL (shared by several processes) over the same migrations (migrations.ts):
 * - oidc-provider's models (its adapter contract, oidc-adapter.ts), with consumption as an
 *   atomic claim so a single-use artifact is used once across every process;
 * - the project's own data in its own tables: the access-token revocation list and the login
 *   failure counters;
 * - the server's own secrets (signing keys, cookie keys);
 * - the operator's data: users, and what clients were used (account-store.ts).
 */
import type { AccountStore } from './account-store';
import type { FederationStore } from './federation-store';

export interface Consumption {
  /** Epoch milliseconds of the first consumption. */
  readonly consumedAt: number;
  /** The refresh token issued when this one was used, once recorded. */
  readonly successorId: string | undefined;
}

export interface AttemptCount {
  /** Attempts counted in the current window, this one included. */
  readonly count: number;
  /** Epoch milliseconds the window started. */
  readonly firstAt: number;
}

/** One of oidc-provider's grants of an account, as the account page lists it. */
export interface AccountGrant {
  readonly grantId: string;
  /** oidc-provider's Grant payload (accountId, clientId, openid, resources, iat, exp). */
  readonly payload: Record<string, unknown>;
  /**
   * Epoch milliseconds of the newest code or refresh token issued or redeemed under the grant:
   * when its client last got tokens. Undefined when none is on record any more.
   */
  readonly lastUsedAt: number | undefined;
}

export interface AuthStore {
  readonly accounts: AccountStore;
  /** Upstream OpenID providers and the identities linked through them. */
  readonly federation: FederationStore;

  upsert(
    model: string,
    id: string,
    payload: Record<string, unknown>,
    expiresInSeconds?: number,
  ): Promise<void>;
  /** The payload, with `consumed` (epoch seconds) added once consumed. */
  find(model: string, id: string): Promise<Record<string, unknown> | undefined>;
  findByUid(model: string, uid: string): Promise<Record<string, unknown> | undefined>;
  findByUserCode(model: string, userCode: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Marks the record consumed if nobody has: true for exactly one caller across every process
   * sharing the storage; false when it was consumed already, expired or missing.
   */
  consume(model: string, id: string): Promise<boolean>;
  /** When a live record was consumed and what replaced it; undefined if not consumed. */
  consumption(model: string, id: string): Promise<Consumption | undefined>;
  /**
   * Records what replaced a consumed record, unless something already did: true for exactly
   * one caller, so one used refresh token never has two successors.
   */
  recordSuccessor(model: string, id: string, successorId: string): Promise<boolean>;
  /**
   * Undoes a consumption that produced nothing (its request died before recording a successor):
   * true when the record was still consumed at exactly `consumedAt` with no successor.
   */
  releaseConsumption(model: string, id: string, consumedAt: number): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  /** Deletes this model's records of the grant; no other model's and none of our own data. */
  revokeByGrantId(model: string, grantId: string): Promise<void>;

  /** The account's live grants, newest first, at most `limit` (the account page). */
  grantsOfAccount(accountId: string, limit: number): Promise<AccountGrant[]>;

  /** Remembers a revoked access token (`jti`) until `expiresAt` (epoch ms). */
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;
  /** Remembers a revoked grant until `expiresAt` (epoch ms); a later date wins. */
  revokeGrant(grantId: string, expiresAt: number): Promise<void>;
  /** Whether the token or its grant is on the revocation list: one round trip. */
  isRevoked(jti: string, grantId: string | undefined): Promise<boolean>;
  /** Every revocation still in force, for a resource server's in-memory copy. */
  liveRevocations(): Promise<Revocation[]>;
  /** Tells `listener` of every revocation recorded from now on, by any process. */
  watchRevocations(listener: RevocationListener): Promise<RevocationWatch>;

  /**
   * Counts one attempt under `key` in one atomic statement and returns the count so far: a
   * window of `windowSeconds` starts at the first attempt and a new one after it ends. Shared
   * by every process on the store, so a limit holds across replicas (failed sign-ins, client
   * registrations).
   */
  countAttempt(key: string, windowSeconds: number): Promise<AttemptCount>;
  /** Takes back one counted attempt (a sign-in that turned out right). */
  uncountAttempt(key: string): Promise<void>;

  /** Stores `value` under `name` unless a value is already there; returns the one that won. */
  putSecretIfAbsent(name: string, value: string): Promise<string>;
  getSecret(name: string): Promise<string | undefined>;
  /**
   * Compare-and-swap: sets `name` to `next` only if it still holds exactly `expected`; returns
   * whether it did. Of several writers that read the same value, exactly one wins.
   */
  replaceSecret(name: string, expected: string, next: string): Promise<boolean>;
  /** Removes expired rows from every table; returns how many went. */
  deleteExpired(): Promise<number>;
  close(): Promise<void>;
}

export function expiryFrom(expiresInSeconds: number | undefined, now = Date.now()): number | null {
  return expiresInSeconds ? now + expiresInSeconds * 1000 : null;
}

/** oidc-provider reads `consumed` as epoch seconds; the store keeps milliseconds. */
export function withConsumed(
  payload: Record<string, unknown>,
  consumedAt: number | string | null,
): Record<string, unknown> {
  if (consumedAt === null) return payload;
  return { ...payload, consumed: Math.floor(Number(consumedAt) / 1000) };
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A row of the grantsOfAccount statement, on either engine. */
export interface AccountGrantRow {
  id: string;
  payload: string | Record<string, unknown>;
  last_used_at: number | string | null;
}

export function accountGrant(row: AccountGrantRow): AccountGrant {
  const lastUsed = row.last_used_at === null ? 0 : Number(row.last_used_at);
  return {
    grantId: row.id,
    payload:
      typeof row.payload === 'string'
        ? (JSON.parse(row.payload) as Record<string, unknown>)
        : row.payload,
    lastUsedAt: lastUsed > 0 ? lastUsed : undefined,
  };
}
