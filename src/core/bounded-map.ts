/**
 * Drops a Map's oldest entries (Maps iterate in insertion order) until at most `max` remain: the
 * bound that keeps a cache keyed by request data (tokens, issuers, proof headers) from growing
 * without limit.
 */
export function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

/** Stores `value` as the newest entry of `map` (least recently set goes first), then bounds it. */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  evictOldest(map, max);
}

/**
 * Drops a Map's oldest entries while they have expired (`expiresAt` at or before `now`). Where
 * entries live about equally long and are re-inserted when used, the oldest are the first to
 * die, so a cache swept this way on every insert holds roughly one lifetime's worth of entries
 * instead of keeping dead ones until its bound pushes them out. Each entry is dropped once, so
 * the cost is constant per insert on average.
 */
export function dropExpiredOldest<K, V extends { readonly expiresAt: number }>(
  map: Map<K, V>,
  now: number,
): void {
  for (const [key, value] of map) {
    if (value.expiresAt > now) return;
    map.delete(key);
  }
}
