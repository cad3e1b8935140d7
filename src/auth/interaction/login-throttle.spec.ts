import { SqliteAuthStore } from '../../storage/sqlite.store';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let store: SqliteAuthStore;
  let throttle: LoginThrottle;

  beforeEach(() => {
    store = new SqliteAuthStore(':memory:');
    throttle = new LoginThrottle(store, { attempts: 3, windowSeconds: 600 });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  const failTimes = async (n: number, username = 'alice', address = '10.0.0.1') => {
    for (let i = 0; i < n; i++) await throttle.failed(username, address);
  };

  // A fixed clock: the window is computed from the first failure to the millisecond.
  const clockAt = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);
  const start = 1_800_000_000_000;

  it('lets a user try until the limit, then makes them wait out the window', async () => {
    clockAt(start);
    await failTimes(2);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(0);
    await failTimes(1);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(600);

    clockAt(start + 590_000);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(10);
    clockAt(start + 601_000);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(0);
  });

  it('counts per username and address, case-insensitively for the username', async () => {
    await failTimes(3, 'Alice');
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBeGreaterThan(0);
    expect(await throttle.retryAfter('alice', '10.0.0.2')).toBe(0);
    expect(await throttle.retryAfter('bob', '10.0.0.1')).toBe(0);
  });

  it('forgets the failures after a successful sign-in', async () => {
    await failTimes(2);
    await throttle.succeeded('alice', '10.0.0.1');
    await failTimes(2);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(0);
  });

  it('keeps the window anchored at the first failure, so more failures do not extend it', async () => {
    clockAt(start);
    await failTimes(3);
    clockAt(start + 500_000);
    await failTimes(5);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(100);
  });
});
