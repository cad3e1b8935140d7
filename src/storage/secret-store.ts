/**
 * The server's own secrets (the signing keyset, the cookie keys), shared by every replica.
 * Replicas that start together or rotate at once must end up with one value, so writes are
 * first-wins or compare-and-swap, never blind overwrites.
 */
export interface SecretStore {
  /** Stores `value` under `name` unless a value is already there; returns the one that won. */
  putSecretIfAbsent(name: string, value: string): Promise<string>;
  getSecret(name: string): Promise<string | undefined>;
  /**
   * Compare-and-swap: sets `name` to `next` only if it still holds exactly `expected`; returns
   * whether it did. Of several writers that read the same value, exactly one wins.
   */
  replaceSecret(name: string, expected: string, next: string): Promise<boolean>;
}
