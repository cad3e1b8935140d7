import { dropExpiredOldest, evictOldest } from '../../core/bounded-map';

export interface Expiring<T> {
  readonly value: T;
  /** Epoch milliseconds after which the value must not be used. */
  readonly expiresAt: number;
}

export interface ExpiringCacheOptions {
  /** Oldest-used entries are dropped beyond this many. */
  readonly maxEntries: number;
  /** An entry is treated as gone this long before it expires, so it is never used at the edge. */
  readonly marginMs: number;
  readonly now?: () => number;
  /** Told how each lookup was served (for the hit ratio). */
  readonly onLookup?: (result: 'hit' | 'joined' | 'miss') => void;
}

/**
 * A small bounded LRU for values that expire (exchanged access tokens). Concurrent misses for
 * one key share a single creation, so a burst of tool calls costs one token request.
 */
export class ExpiringCache<T> {
  private readonly entries = new Map<string, Expiring<T>>();
  private readonly pending = new Map<string, Promise<T>>();
  private readonly now: () => number;

  constructor(private readonly options: ExpiringCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async getOrCreate(key: string, create: () => Promise<Expiring<T>>): Promise<T> {
    const hit = this.fresh(key);
    if (hit !== undefined) {
      this.options.onLookup?.('hit');
      return hit;
    }
    const inFlight = this.pending.get(key);
    if (inFlight) {
      this.options.onLookup?.('joined');
      return inFlight;
    }
    this.options.onLookup?.('miss');

    const creation = create().then((created) => {
      this.store(key, created);
      return created.value;
    });
    this.pending.set(key, creation);
    try {
      return await creation;
    } finally {
      this.pending.delete(key);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private fresh(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt - this.options.marginMs <= this.now()) return undefined;
    // Re-inserted to mark it most recently used: Map keeps insertion order.
    this.entries.set(key, entry);
    return entry.value;
  }

  private store(key: string, entry: Expiring<T>): void {
    const usableUntil = this.now() + this.options.marginMs;
    if (entry.expiresAt <= usableUntil) return;
    dropExpiredOldest(this.entries, usableUntil);
    this.entries.set(key, entry);
    evictOldest(this.entries, this.options.maxEntries);
  }
}
