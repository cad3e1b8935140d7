import { setNewest } from '../../core/bounded-map';

/**
 * Discovery results by key, each used for `ttlMs` and at most `max` of them
 * (DISCOVERY_DOCUMENTS_MAX). A changed issuer, client or secret is a new key: without the bound,
 * every old one would stay for the life of the process.
 */
export class DiscoveryCache<T> {
  // A Map iterates in insertion order: the first key is the oldest entry.
  private readonly entries = new Map<string, { readonly at: number; readonly value: T }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at < this.ttlMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T): void {
    setNewest(this.entries, key, { at: this.now(), value }, this.max);
  }
}
