import { createHash } from 'node:crypto';
import type { AttemptCounters } from '../../../storage/attempt-counters';

export interface ThrottleLimits {
  /** Failed sign-ins allowed per username from one client address within the window. */
  readonly attempts: number;
  /** Failed sign-ins allowed per username from all addresses together within the window. */
  readonly accountAttempts: number;
  readonly windowSeconds: number;
}

const DEFAULT_LIMITS: ThrottleLimits = {
  attempts: 5,
  accountAttempts: 20,
  windowSeconds: 15 * 60,
};

/**
 * Slows password guessing. Every attempt is counted in one atomic statement before the
 * password is checked, so a burst of parallel guesses cannot all be evaluated, and a right
 * password takes back only its own count (it cannot reset what a burst has counted).
 * Two counters: per username and client address (a user mistyping is held up alone), and per
 * username from anywhere (an attacker rotating addresses is held up too). Past a limit, that
 * counter must wait until its window, started by its first failure, has passed: the lockout
 * is temporary and bounded by the window. Kept in the shared store, so every AuthServer
 * process counts alike.
 */
export interface ThrottleVerdict {
  /** Seconds to wait instead of checking the password, or 0 to go on. */
  readonly retryAfter: number;
  /** When the password of this attempt is wrong, how long the lock that follows lasts (0: none). */
  readonly lockIfFails: number;
}

export class LoginThrottle {
  constructor(
    private readonly store: AttemptCounters,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
  ) {}

  /** Counts this attempt before its password is checked. */
  async attempt(username: string, address: string): Promise<ThrottleVerdict> {
    const { windowSeconds, attempts, accountAttempts } = this.limits;
    const [pair, account] = await Promise.all([
      this.store.countAttempt(pairKey(username, address), windowSeconds),
      this.store.countAttempt(accountKey(username), windowSeconds),
    ]);
    const last = (counted: { count: number; firstAt: number }, limit: number) =>
      counted.count === limit ? this.remaining(counted) : 0;
    return {
      retryAfter: Math.max(this.wait(pair, attempts), this.wait(account, accountAttempts)),
      lockIfFails: Math.max(last(pair, attempts), last(account, accountAttempts)),
    };
  }

  /** The password was right: this attempt was not a failure. */
  async succeeded(username: string, address: string): Promise<void> {
    await Promise.all([
      this.store.uncountAttempt(pairKey(username, address)),
      this.store.uncountAttempt(accountKey(username)),
    ]);
  }

  private wait(counted: { count: number; firstAt: number }, limit: number): number {
    return counted.count <= limit ? 0 : this.remaining(counted);
  }

  /** Seconds until the window that the counter's first failure opened has passed. */
  private remaining(counted: { firstAt: number }): number {
    const elapsed = (Date.now() - counted.firstAt) / 1000;
    return Math.max(1, Math.ceil(this.limits.windowSeconds - elapsed));
  }
}

/** Hashed: the key's size stays fixed however long the username a client sends. */
function pairKey(username: string, address: string): string {
  return digest(`pair|${normalise(username)}|${address}`);
}

function accountKey(username: string): string {
  return digest(`account|${normalise(username)}`);
}

function normalise(username: string): string {
  return username.trim().toLowerCase();
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
