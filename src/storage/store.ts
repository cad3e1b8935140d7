/**
 * What the authorization server persists. oidc-provider's adapter contract maps onto the
 * first half; the second half keeps the server's own secrets (signing keys, cookie keys).
 * Implemented by SQLite (embedded default) and PostgreSQL (shared by several processes).
 */
export interface StoredRecord {
  readonly payload: Record<string, unknown>;
  readonly expiresAt: number | undefined;
}

export interface AuthStore {
  upsert(
    model: string,
    id: string,
    payload: Record<string, unknown>,
    expiresInSeconds?: number,
  ): Promise<void>;
  find(model: string, id: string): Promise<Record<string, unknown> | undefined>;
  findByUid(model: string, uid: string): Promise<Record<string, unknown> | undefined>;
  findByUserCode(model: string, userCode: string): Promise<Record<string, unknown> | undefined>;
  /** Whether any of these rows exists and has not expired: one round trip for a hot path. */
  anyExists(keys: readonly { model: string; id: string }[]): Promise<boolean>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  /** Stores `value` under `name` unless a value is already there; returns the one that won. */
  putSecretIfAbsent(name: string, value: string): Promise<string>;
  getSecret(name: string): Promise<string | undefined>;
  /**
   * Compare-and-swap: sets `name` to `next` only if it still holds exactly `expected`; returns
   * whether it did. Of several writers that read the same value, exactly one wins.
   */
  replaceSecret(name: string, expected: string, next: string): Promise<boolean>;
  /** Removes expired rows; returns how many went. */
  deleteExpired(): Promise<number>;
  close(): Promise<void>;
}

export const AUTH_STORE = Symbol('AUTH_STORE');

export function expiryFrom(expiresInSeconds: number | undefined, now = Date.now()): number | null {
  return expiresInSeconds ? now + expiresInSeconds * 1000 : null;
}
