import { dropExpiredOldest, evictOldest, setNewest } from './bounded-map';

describe('bounded maps', () => {
  it('evictOldest drops the entries set first until the bound holds', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    evictOldest(map, 1);
    expect([...map.keys()]).toEqual(['c']);
  });

  it('setNewest makes a key the newest again, so it outlives those set since', () => {
    const map = new Map<string, number>();
    setNewest(map, 'a', 1, 2);
    setNewest(map, 'b', 2, 2);
    setNewest(map, 'a', 3, 2);
    setNewest(map, 'c', 4, 2);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });

  it('dropExpiredOldest drops expired entries from the oldest end and stops at a live one', () => {
    const map = new Map([
      ['a', { expiresAt: 100 }],
      ['b', { expiresAt: 200 }],
      ['c', { expiresAt: 900 }],
      // Expired, but behind a live entry: left for a later sweep, the get or the bound.
      ['d', { expiresAt: 150 }],
    ]);
    dropExpiredOldest(map, 200);
    expect([...map.keys()]).toEqual(['c', 'd']);
  });
});
