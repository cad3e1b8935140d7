export interface AttemptCount {
  /** Attempts counted in the current window, this one included. */
  readonly count: number;
  /** Epoch milliseconds the window started. */
  readonly firstAt: number;
}

/**
 * Fixed-window counters shared by every process on the store, so a limit holds across
 * replicas (failed sign-ins, client registrations). Each count is one atomic statement:
 * parallel attempts are each counted once, whichever process takes them.
 */
export interface AttemptCounters {
  /**
   * Counts one attempt under `key` and returns the count so far: a window of `windowSeconds`
   * starts at the first attempt and a new one after it ends.
   */
  countAttempt(key: string, windowSeconds: number): Promise<AttemptCount>;
  /** Takes back one counted attempt (a sign-in that turned out right); never below zero. */
  uncountAttempt(key: string): Promise<void>;
}
