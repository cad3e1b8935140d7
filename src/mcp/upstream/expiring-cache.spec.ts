import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let now = 1_000_000;
  const cache = () => new ExpiringCache<string>({ maxEntries: 2, marginMs: 1000, now: () => now });
  const value =
    (v: string, ttlMs = 10_000) =>
    () =>
      Promise.resolve({ value: v, expiresAt: now + ttlMs });

  beforeEach(() => (now = 1_000_000));

  it('reuses a value until the margin before it expires', async () => {
    const c = cache();
    const create = jest.fn(value('a'));
    await c.getOrCreate('k', create);
    now += 8_999;
    expect(await c.getOrCreate('k', create)).toBe('a');
    expect(create).toHaveBeenCalledTimes(1);
    now += 1;
    await c.getOrCreate('k', create);
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('does not keep a value that expires within the margin', async () => {
    const c = cache();
    const create = jest.fn(value('short', 500));
    expect(await c.getOrCreate('k', create)).toBe('short');
    await c.getOrCreate('k', create);
    expect(create).toHaveBeenCalledTimes(2);
    expect(c.size).toBe(0);
  });

  it('shares one creation among concurrent misses', async () => {
    const c = cache();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const create = jest.fn(async () => {
      await gate;
      return { value: 'once', expiresAt: now + 10_000 };
    });
    const both = Promise.all([c.getOrCreate('k', create), c.getOrCreate('k', create)]);
    release();
    expect(await both).toEqual(['once', 'once']);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('does not cache failures', async () => {
    const c = cache();
    await expect(c.getOrCreate('k', () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(await c.getOrCreate('k', value('up'))).toBe('up');
  });

  it('drops the least recently used entry beyond its size', async () => {
    const c = cache();
    await c.getOrCreate('a', value('a'));
    await c.getOrCreate('b', value('b'));
    await c.getOrCreate('a', value('unused'));
    await c.getOrCreate('c', value('c'));
    expect(c.size).toBe(2);
    // 'a' was used after 'b', so 'b' went.
    expect(await c.getOrCreate('a', value('unused'))).toBe('a');
    expect(await c.getOrCreate('c', value('unused'))).toBe('c');
    expect(await c.getOrCreate('b', value('b2'))).toBe('b2');
  });

  it('drops expired entries on the next store instead of holding them until its bound', async () => {
    const c = new ExpiringCache<string>({ maxEntries: 100, marginMs: 1000, now: () => now });
    for (const key of ['a', 'b', 'c']) await c.getOrCreate(key, value(key));
    expect(c.size).toBe(3);
    now += 9_000;
    await c.getOrCreate('d', value('d'));
    expect(c.size).toBe(1);
  });
});
