import { DiscoveryCache } from './discovery-cache';

describe('DiscoveryCache', () => {
  it('serves an entry for its time to live, then forgets it', () => {
    let now = 0;
    const cache = new DiscoveryCache<string>(10, 1_000, () => now);
    cache.set('a', 'A');
    now = 999;
    expect(cache.get('a')).toBe('A');
    now = 1_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most `max` entries, dropping the oldest', () => {
    const cache = new DiscoveryCache<string>(2, 60_000);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe('C');
  });
});
