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
