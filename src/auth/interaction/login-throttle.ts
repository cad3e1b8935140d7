import { AuthStore } from '../../storage/store';

const MODEL = 'LoginFailures';

export interface ThrottleLimits {
  readonly attempts: number;
  readonly windowSeconds: number;
}

/**
 * Slows password guessing: after `attempts` failed sign-ins for one username from one client
 * address within the window, that pair must wait until the window started by its first
 * failure has passed. Keyed by username and address together, so a guesser cannot lock a user
 * out from everywhere. Kept in the shared store, so every AuthServer process counts alike.
 */
export class LoginThrottle {
  constructor(
    private readonly store: AuthStore,
    private readonly limits: ThrottleLimits = { attempts: 5, windowSeconds: 15 * 60 },
  ) {}

  /** Seconds to wait before this pair may try again, or 0. */
  async retryAfter(username: string, address: string): Promise<number> {
    const record = await this.record(username, address);
    if (!record || record.count < this.limits.attempts) return 0;
    const elapsed = (Date.now() - record.first) / 1000;
    return Math.max(1, Math.ceil(this.limits.windowSeconds - elapsed));
  }

  async failed(username: string, address: string): Promise<void> {
    const record = await this.record(username, address);
    const first = record?.first ?? Date.now();
    const remaining = Math.max(
      1,
      Math.ceil(this.limits.windowSeconds - (Date.now() - first) / 1000),
    );
    await this.store.upsert(
      MODEL,
      key(username, address),
      { count: (record?.count ?? 0) + 1, first },
      remaining,
    );
  }

  async succeeded(username: string, address: string): Promise<void> {
    await this.store.destroy(MODEL, key(username, address));
  }

  private async record(username: string, address: string) {
    return (await this.store.find(MODEL, key(username, address))) as
      { count: number; first: number } | undefined;
  }
}

function key(username: string, address: string): string {
  return `${username.trim().toLowerCase()}|${address}`;
}
