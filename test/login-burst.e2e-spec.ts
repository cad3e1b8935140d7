import { openLoginPage } from './support/flows';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { describeWithPostgres } from './support/postgres-available';
import { startTestSystem, type TestSystem } from './support/system';

const BURST = 60;
/** Failed sign-ins allowed per username and address (login-throttle.ts). */
const LIMIT = 5;

/**
 * Each attempt is counted before the password is checked: of 60 parallel wrong passwords at
 * most the limit are evaluated, and a right password inside the burst neither gets through
 * past the limit nor resets the counter.
 */
function burstSuite(env: () => Record<string, string>) {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth', ...env() } });
  });
  afterAll(() => sys?.close());

  it(`evaluates at most ${LIMIT} of ${BURST} parallel sign-ins and keeps the count`, async () => {
    const { browser, url, html } = await openLoginPage(sys);
    const redirectUri = `${sys.urls.spa}/signin-oidc`;
    const post = (password: string) =>
      browser.submit(url, html, { username: 'bob', password, action: 'login' }, redirectUri);

    const results = await Promise.all(
      Array.from({ length: BURST }, (_, i) => post(i === 36 ? 'bob' : `guess-${i}`)),
    );

    const statuses = results.map((r) => r.response?.status ?? 303);
    const evaluated = statuses.filter((s) => s !== 429);
    expect(evaluated.length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(BURST - LIMIT);
    // Whatever the right password met, the failures stay counted: it is refused now.
    const after = await post('bob');
    expect(after.response?.status).toBe(429);
    expect(Number(after.response?.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 60_000);
}

describe('a burst of sign-ins on SQLite', () => burstSuite(() => ({})));

describeWithPostgres('a burst of sign-ins on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = (await createTestDatabase())!;
  });
  afterAll(() => db?.drop());
  burstSuite(() => ({ DATABASE_URL: db.url }));
});
