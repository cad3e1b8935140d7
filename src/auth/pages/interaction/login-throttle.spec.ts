import { SqliteAuthStore } from '../../../storage/sqlite/sqlite.store';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let store: SqliteAuthStore;
  let throttle: LoginThrottle;

  beforeEach(() => {
    store = new SqliteAuthStore(':memory:');
    throttle = new LoginThrottle(store, { attempts: 3, accountAttempts: 5, windowSeconds: 600 });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  /** Attempts that all fail; the waits each was told. */
  const fail = async (n: number, username = 'alice', address = '10.0.0.1') => {
    const waits: number[] = [];
    for (let i = 0; i < n; i++) waits.push((await throttle.attempt(username, address)).retryAfter);
    return waits;
  };

  // A fixed clock: the window is computed from the first failure to the millisecond.
  const clockAt = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);
  const start = 1_800_000_000_000;

  it('lets a user try until the limit, then makes them wait out the window', async () => {
    clockAt(start);
    expect(await fail(3)).toEqual([0, 0, 0]);
    expect((await throttle.attempt('alice', '10.0.0.1')).retryAfter).toBe(600);

    clockAt(start + 590_000);
    expect((await throttle.attempt('alice', '10.0.0.1')).retryAfter).toBe(10);
    clockAt(start + 601_000);
    expect((await throttle.attempt('alice', '10.0.0.1')).retryAfter).toBe(0);
  });

  it('says when a failure of this attempt will lock the pair, and for how long', async () => {
    clockAt(start);
    await fail(2);
    expect(await throttle.attempt('alice', '10.0.0.1')).toEqual({
      retryAfter: 0,
      lockIfFails: 600,
    });
    expect((await throttle.attempt('bob', '10.0.0.1')).lockIfFails).toBe(0);
  });

  it('counts per username and address, case-insensitively for the username', async () => {
    await fail(3, 'Alice');
    expect((await throttle.attempt('alice', '10.0.0.1')).retryAfter).toBeGreaterThan(0);
    expect((await throttle.attempt('alice', '10.0.0.2')).retryAfter).toBe(0);
    expect((await throttle.attempt('bob', '10.0.0.1')).retryAfter).toBe(0);
  });

  it('limits guesses per account however many addresses they come from', async () => {
    clockAt(start);
    const waits = await Promise.all(
      Array.from(
        { length: 8 },
        async (_, i) => (await throttle.attempt('alice', `10.0.1.${i}`)).retryAfter,
      ),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    expect(waits.filter((wait) => wait === 600)).toHaveLength(3);
    expect((await throttle.attempt('bob', '10.0.1.9')).retryAfter).toBe(0);
    // Bounded: the account opens again when its window has passed.
    clockAt(start + 600_000);
    expect((await throttle.attempt('alice', '10.0.1.9')).retryAfter).toBe(0);
  });

  it('a right password takes back only its own attempt, not the failures before it', async () => {
    await fail(2);
    expect((await throttle.attempt('alice', '10.0.0.1')).retryAfter).toBe(0);
    await throttle.succeeded('alice', '10.0.0.1');
    expect(await fail(1)).toEqual([0]);
    expect((await throttle.attempt('alice', '10.0.0.1')).retryAfter).toBeGreaterThan(0);
  });

  it('keeps the window anchored at the first failure, so more failures do not extend it', async () => {
    clockAt(start);
    await fail(3);
    clockAt(start + 500_000);
    await fail(5);
    expect((await throttle.attempt('alice', '10.0.0.1')).retryAfter).toBe(100);
  });

  it('counts parallel attempts exactly: no two see the same count', async () => {
    const waits = await Promise.all(
      Array.from(
        { length: 30 },
        async () => (await throttle.attempt('alice', '10.0.0.1')).retryAfter,
      ),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(3);
  });

  it('throttles a very long username like any other', async () => {
    const long = 'x'.repeat(100_000);
    await fail(3, long);
    expect((await throttle.attempt(long, '10.0.0.1')).retryAfter).toBeGreaterThan(0);
  });
});
