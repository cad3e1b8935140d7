import { Revocation, RevocationListener, RevocationWatch } from './revocation-events';
import { RevocationUnavailable, RevocationView } from './revocation-view';
import type { RevocationSource } from './revocation-store';

/**
 * How long a copy may go unconfirmed before the resource servers stop trusting it and answer
 * 503 rather than risk letting a revoked token through. A healthy feed delivers in
 * milliseconds; this bound is for a lost one. At 1 s a saturated 2-core machine (event loop
 * and database both busy) tripped it with the feed alive, so it allows 3 s.
 */
export const REVOCATION_FAIL_CLOSED_AFTER_MS = 3_000;

/**
 * The resource servers' in-memory copy of the revocation list, so checking a token costs a map
 * lookup instead of a database round trip. It is read whole at start, kept current by the
 * store's watch (events in process, LISTEN/NOTIFY across processes), read whole again
 * periodically and after a lost feed, and refuses to answer while it cannot vouch for itself.
 */
export class RevocationFeed implements RevocationView, RevocationListener {
  private readonly tokens = new Map<string, number>();
  private readonly grants = new Map<string, number>();
  private watch: RevocationWatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastCatchUp = 0;

  private constructor(private readonly store: RevocationSource) {}

  static async open(store: RevocationSource): Promise<RevocationFeed> {
    const feed = new RevocationFeed(store);
    // Subscribe first, then read: a revocation between the two is seen at least once.
    feed.watch = await store.watchRevocations(feed);
    await feed.catchUp();
    feed.timer = setInterval(() => {
      feed.catchUp().catch(() => undefined);
    }, feed.watch.catchUpEveryMs);
    feed.timer.unref();
    return feed;
  }

  isRevoked(jti: string, grantId?: string): Promise<boolean> {
    const now = Date.now();
    if (!this.trusted(now)) {
      return Promise.reject(new RevocationUnavailable('the revocation feed is not current'));
    }
    return Promise.resolve(
      live(this.tokens.get(jti), now) ||
        (grantId !== undefined && live(this.grants.get(grantId), now)),
    );
  }

  revoked(revocation: Revocation): void {
    const entries = revocation.kind === 'token' ? this.tokens : this.grants;
    // Entries only ever grow later (the store keeps the latest expiry), so merging is safe.
    const known = entries.get(revocation.id) ?? 0;
    if (revocation.expiresAt > known) entries.set(revocation.id, revocation.expiresAt);
  }

  resumed(): Promise<void> {
    return this.catchUp();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.watch?.close();
  }

  private async catchUp(): Promise<void> {
    const started = Date.now();
    for (const revocation of await this.store.liveRevocations()) this.revoked(revocation);
    prune(this.tokens, started);
    prune(this.grants, started);
    this.lastCatchUp = started;
  }

  private trusted(now: number): boolean {
    const watch = this.watch;
    if (!watch) return false;
    const catchUpOverdue =
      now - this.lastCatchUp > watch.catchUpEveryMs + REVOCATION_FAIL_CLOSED_AFTER_MS;
    return !catchUpOverdue && now - watch.confirmedAt() <= REVOCATION_FAIL_CLOSED_AFTER_MS;
  }
}

function live(expiresAt: number | undefined, now: number): boolean {
  return expiresAt !== undefined && expiresAt > now;
}

function prune(entries: Map<string, number>, now: number): void {
  for (const [id, expiresAt] of entries) if (expiresAt <= now) entries.delete(id);
}
