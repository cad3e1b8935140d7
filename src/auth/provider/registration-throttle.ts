import type { AttemptCounters } from '../../storage/attempt-counters';

export type RegistrationVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed-window limit on dynamic client registrations per client address (RFC 7591 leaves
 * abuse protection to the server). The count lives in the store and is taken and read in one
 * atomic statement, so the limit holds across every AuthServer sharing the store, and parallel
 * requests cannot all pass a check made before any of them counted.
 */
export class RegistrationThrottle {
  constructor(
    private readonly store: Pick<AttemptCounters, 'countAttempt'>,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Counts one attempt; answers how many seconds to wait when over the limit. */
  async take(address: string): Promise<RegistrationVerdict> {
    const { count, firstAt } = await this.store.countAttempt(
      `registration:${address}`,
      this.windowSeconds,
    );
    if (count <= this.limit) return { allowed: true };
    const left = (firstAt + this.windowSeconds * 1000 - Date.now()) / 1000;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(left)) };
  }
}
