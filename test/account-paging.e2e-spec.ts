import type { Provider } from 'oidc-provider';
import { OIDC_PROVIDER } from '../src/auth/auth.tokens';
import { ACCOUNT_CLIENT_ID } from '../src/auth/catalog/account-client';
import { APPS_PER_PAGE } from '../src/auth/pages/account/connected-apps';
import { TestBrowser } from './support/browser';
import { codeFlow } from './support/flows';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { describeWithPostgres } from './support/postgres-available';
import { startTestSystem, type TestSystem } from './support/system';

/**
 * An account that has collected many grants (a sign-in from each new browser makes one): the
 * account page lists one bounded page of them, newest first, says how many more there are and
 * links to them; following the links shows every grant exactly once. On both engines.
 */
function pagingSuite(env: () => Record<string, string>) {
  let sys: TestSystem;
  const alice = new TestBrowser();
  /** Grants besides the SPA's own: more than two pages' worth. */
  const EXTRA = 2 * APPS_PER_PAGE + 4;
  const total = EXTRA + 1;

  const page = async (href: string) => {
    const response = await alice.request(new URL(href, sys.urls.issuer).href);
    expect(response.status).toBe(200);
    return response.text();
  };
  const grantsOn = (html: string) =>
    html
      .split('<li class="app">')
      .slice(1)
      .map((entry) => /name="grant" value="([^"]+)"/.exec(entry)![1]!);
  const link = (html: string, text: string) =>
    new RegExp(`<a href="([^"]+)">${text}</a>`).exec(html)?.[1];

  beforeAll(async () => {
    sys = await startTestSystem({ env: env() });
    // The SPA through the real login and consent pages; its session is alice's on /account.
    await codeFlow(sys, { browser: alice, resources: [sys.urls.api] });
    const provider = sys.system.apps.get('auth')!.get<Provider>(OIDC_PROVIDER);
    const accountId = (await sys.system.store!.accounts.findUser('alice'))!.sub;
    // Saved as oidc-provider saves a consent, many in the same second (ties on iat).
    const save = async (clientId: string) => {
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope('openid');
      await grant.save();
    };
    for (let i = 0; i < EXTRA; i++) await save('mcpclient');
    // The account page's own sign-ins are grants too, and are not listed or counted.
    for (let i = 0; i < 3; i++) await save(ACCOUNT_CLIENT_ID);
  }, 60_000);

  afterAll(async () => {
    await sys?.close();
  });

  it('lists at most one page, newest first, and says how many more there are', async () => {
    const first = await page('/account');

    expect(grantsOn(first)).toHaveLength(APPS_PER_PAGE);
    expect(first).toContain(
      `The ${APPS_PER_PAGE} most recently connected of ${total} apps with access; ` +
        `${total - APPS_PER_PAGE} more are older.`,
    );
    expect(link(first, 'Older apps')).toMatch(/^\/account\?before=\d+\.[\w-]+$/);
    expect(link(first, 'Newest apps')).toBeUndefined();
  });

  it('shows every grant exactly once across the older pages, and no more pages after', async () => {
    const seen: string[] = [];
    let href: string | undefined = '/account';
    let pages = 0;
    while (href && pages < 10) {
      const html = await page(href);
      const grants = grantsOn(html);
      expect(grants.length).toBeLessThanOrEqual(APPS_PER_PAGE);
      if (pages > 0) {
        expect(html).toContain(`Older apps: ${grants.length} of ${total} apps with access.`);
        expect(link(html, 'Newest apps')).toBe('/account');
      }
      seen.push(...grants);
      href = link(html, 'Older apps');
      pages++;
    }

    expect(pages).toBe(Math.ceil(total / APPS_PER_PAGE));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('revokes a grant listed on an older page', async () => {
    const older = await page(link(await page('/account'), 'Older apps')!);
    const csrf = /name="csrf" value="([^"]+)"/.exec(older)![1]!;
    const done = await alice.request(`${sys.urls.issuer}/account/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(sys.urls.issuer).origin,
      },
      body: new URLSearchParams({ grant: grantsOn(older)[0]!, csrf }).toString(),
    });

    expect(done.status).toBe(303);
    expect(await page('/account?revoked=1')).toContain(`of ${total - 1} apps with access`);
  });

  it.each([
    ['not a cursor', '?before=yesterday'],
    ['a repeated cursor', '?before=1.a&before=2.b'],
    ['markup', `?before=${encodeURIComponent('1.<script>')}`],
  ])('answers %s with 400, not a page or a 500', async (_, query) => {
    const response = await alice.request(`${sys.urls.issuer}/account${query}`);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The link to older apps is not valid.');
  });
}

describe('/account with many grants on SQLite', () => {
  pagingSuite(() => ({}));
});

describeWithPostgres('/account with many grants on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = (await createTestDatabase())!;
  });
  afterAll(() => db?.drop());
  pagingSuite(() => ({ DATABASE_URL: db.url }));
});
