import type { StoredUser } from './account-store';

/**
 * oidc-provider's records (its adapter contract, oidc-adapter.ts): one table for every model,
 * keyed by model and id, with the grant, uid and user code indexed. Consumption is an atomic
 * claim on the row, so a single-use artifact is used once across every process.
 */
export interface OidcRecordStore {
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
  destroy(model: string, id: string): Promise<void>;
  /** Deletes this model's records of the grant; no other model's and none of our own data. */
  revokeByGrantId(model: string, grantId: string): Promise<void>;
}

export interface Consumption {
  /** Epoch milliseconds of the first consumption. */
  readonly consumedAt: number;
  /** The refresh token issued when this one was used, once recorded. */
  readonly successorId: string | undefined;
}

/**
 * What a consumed record turned into: the refresh-token reuse window (RFC 9700 §4.14.2) answers
 * a late request with the successor the first one recorded, whichever process that was.
 */
export interface ConsumptionLog {
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
  /**
   * A refresh token with the grant, the session and the account that oidc-provider's
   * refresh_token grant reads right after it, in one read (one round trip on PostgreSQL, where
   * each is one).
   */
  refreshContext(id: string): Promise<RefreshContext>;
  /**
   * Rotation in one atomic write: consumes `predecessorId`, records `id` as its successor and
   * stores `id`. True for exactly one caller across every process sharing the storage; when the
   * predecessor is consumed already, has a successor, expired or is missing, nothing changes and
   * the answer is false.
   */
  rotate(
    model: string,
    predecessorId: string,
    id: string,
    payload: Record<string, unknown>,
    expiresInSeconds?: number,
  ): Promise<boolean>;
}

/** What `refreshContext` read: each payload as `find`/`findByUid` would answer it. */
export interface RefreshContext {
  readonly token: Record<string, unknown> | undefined;
  readonly grant: { readonly id: string; readonly payload: Record<string, unknown> } | undefined;
  readonly session: { readonly uid: string; readonly payload: Record<string, unknown> } | undefined;
  /** The token's account (its `accountId`) as `findUserBySubject` answers it. */
  readonly account: { readonly sub: string; readonly user: StoredUser | undefined } | undefined;
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

/** Where an older page of an account's grants starts: after this grant, newest first. */
export interface GrantCursor {
  /** The grant's `iat` (epoch seconds), which oidc-provider sets on every grant. */
  readonly iat: number;
  readonly grantId: string;
}

export interface AccountGrantsQuery {
  /** Grants of this client are left out (the account page's own sign-ins). */
  readonly exceptClientId: string;
  readonly limit: number;
  /** Only grants older than this one (by `iat`, then id). */
  readonly before?: GrantCursor;
}

/**
 * The grants a signed-in user sees on their account page. Each call reads through indexes only
 * as many grants and tokens as it returns or counts, however long the account's history.
 */
export interface AccountGrants {
  /** The account's live grants, newest first (by `iat`, then id descending), at most `limit`. */
  grantsOfAccount(accountId: string, query: AccountGrantsQuery): Promise<AccountGrant[]>;
  /** How many live grants the account has (leaving out `exceptClientId`), counting to `upTo`. */
  countGrantsOfAccount(accountId: string, exceptClientId: string, upTo: number): Promise<number>;
}
