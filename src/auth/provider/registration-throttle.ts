/**
 * Fixed-window limit on dynamic client registrations per client address (RFC 7591 leaves
 * abuse protection to the server). The count is taken and checked in one synchronous step, so
 * parallel requests cannot all pass a check made before any of them counted.
 */
export class RegistrationThrottle {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; answers how many seconds to wait when over the limit. */
  take(address: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    this.forgetExpired(now);
    const window = this.windows.get(address) ?? { start: now, count: 0 };
    window.count += 1;
    this.windows.set(address, window);
    if (window.count <= this.limit) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)),
    };
  }

  private forgetExpired(now: number): void {
    // Windows are kept in the order they started, so the expired ones are at the front.
    for (const [address, window] of this.windows) {
      if (now - window.start < this.windowMs) return;
      this.windows.delete(address);
    }
  }
}
