import { SqliteAuthStore } from '../storage/sqlite.store';
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

  it('lets a user try until the limit, then makes them wait out the window', async () => {
    const start = Date.now();
    await failTimes(2);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(0);
    await failTimes(1);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(600);

    jest.spyOn(Date, 'now').mockReturnValue(start + 590_000);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(10);
    jest.spyOn(Date, 'now').mockReturnValue(start + 601_000);
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
    const start = Date.now();
    await failTimes(3);
    jest.spyOn(Date, 'now').mockReturnValue(start + 500_000);
    await failTimes(5);
    expect(await throttle.retryAfter('alice', '10.0.0.1')).toBe(100);
  });
});
