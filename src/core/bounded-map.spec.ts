import { evictOldest, setNewest } from './bounded-map';

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
});
