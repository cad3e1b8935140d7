/** One entry of the revocation list: a token (`jti`) or a whole grant, until `expiresAt` (ms). */
export interface Revocation {
  readonly kind: 'token' | 'grant';
  readonly id: string;
  readonly expiresAt: number;
}

/**
 * A subscription to the revocations recorded from now on: in-process events on SQLite (other
 * processes sharing the file are caught by re-reading), LISTEN/NOTIFY on PostgreSQL.
 */
export interface RevocationWatch {
  /**
   * Epoch ms up to which every revocation is known to have been delivered or read again; a
   * lost connection stops it advancing, and a reader should then stop trusting its copy.
   */
  confirmedAt(): number;
  /** How often the whole list should be read again, for what events cannot carry. */
  readonly catchUpEveryMs: number;
  close(): Promise<void>;
}

export interface RevocationListener {
  revoked(revocation: Revocation): void;
  /**
   * The feed was lost and is back: events in the gap were missed, so the list is read again;
   * the watch vouches for itself only once that read is done.
   */
  resumed(): Promise<void>;
}
