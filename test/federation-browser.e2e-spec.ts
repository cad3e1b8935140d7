import { type Browser, type Page } from 'playwright-core';
import { SqliteAuthStore } from '../src/storage/sqlite/sqlite.store';
import { describeWithChromium, launchChromium } from './support/chromium';
import { openLoginPage } from './support/flows';
import { startTestSystem, type TestSystem } from './support/system';
import { until } from './support/until';
import { startUpstream, type TestUpstream, type UpstreamMode } from './support/upstream-idp';

/**
 * Sign-in through an upstream OpenID provider (a bare oidc-provider in this process): Chromium
 * continues with it from our login page, is provisioned just in time and lands on /account;
 * hostile or broken upstreams end on a page with a retry link, never a 500.
 */
const carol = {
  sub: 'u-carol',
  email: 'carol@corp.test',
  name: 'Carol Upstream',
  groups: ['staff'],
};

describeWithChromium(
  'sign-in through an upstream IdP',
  'test/federation-browser.e2e-spec.ts',
  () => {
    let sys: TestSystem;
    let upstream: TestUpstream;
    let store: SqliteAuthStore;
    let browser: Browser;

    const configure = async (extra: Record<string, unknown> = {}) => {
      await store.federation.putUpstream(
        'corp',
        JSON.stringify({
          slug: 'corp',
          displayName: 'Corp SSO',
          issuer: upstream.issuer,
          clientId: upstream.clientId,
          clientSecret: upstream.clientSecret,
          jit: true,
          scopeRules: [{ scope: 'weatherget', claim: 'groups', anyOf: ['weather-readers'] }],
          ...extra,
        }),
      );
    };

    /** From /account through "Continue with Corp SSO"; resolves with the page it ends on. */
    const signIn = async (): Promise<{ page: Page; callbackUrl: string; status: number }> => {
      const page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(20_000);
      let callbackUrl = '';
      let status = 0;
      page.on('response', (r) => {
        if (r.url().includes('/federation/callback')) {
          callbackUrl = r.url();
          status = r.status();
        }
      });
      await page.goto(`${sys.urls.issuer}/account`);
      await page.getByRole('button', { name: 'Continue with Corp SSO' }).click();
      await page.waitForLoadState('load');
      return { page, callbackUrl, status };
    };

    beforeAll(async () => {
      // 2 s: short enough that the slow case is quick, long enough for an honest loaded machine.
      sys = await startTestSystem({ env: { FEDERATION_TIMEOUT_SECONDS: '2' } });
      upstream = await startUpstream(`${sys.urls.issuer}/federation/callback`, carol, 3_500);
      store = new SqliteAuthStore(sys.env.SQLITE_PATH!);
      await configure();
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await store?.close();
      await upstream?.close();
      await sys?.close();
    });

    let replay = '';

    it('provisions carol just in time and lands on /account', async () => {
      const { page, callbackUrl } = await signIn();
      await page.getByRole('heading', { name: 'Connected apps', level: 1 }).waitFor();
      expect(await page.locator('.lead').textContent()).toContain('Carol Upstream');
      const [link] = await store.federation.linksOfUser(
        (await store.federation.findLink({ issuer: upstream.issuer, subject: 'u-carol' }))!.userSub,
      );
      expect(link).toMatchObject({ idpSlug: 'corp', email: 'carol@corp.test' });
      replay = callbackUrl;
    }, 60_000);

    it('refuses a replayed answer with a clear page', async () => {
      const page = await (await browser.newContext()).newPage();
      const response = await page.goto(replay);
      expect(response?.status()).toBe(400);
      expect(await page.locator('[role=alert]').textContent()).toMatch(/used already/);
    });

    it.each<[UpstreamMode, RegExp]>([
      ['wrong_iss', /different issuer/],
      ['bad_nonce', /failed its checks/],
      ['alg_none', /failed its checks/],
      ['slow', /did not answer in time/],
    ])(
      'refuses an upstream that is %s, with a retry link',
      async (mode, message) => {
        upstream.mode = mode;
        try {
          const { page, status } = await signIn();
          expect(status).toBe(502);
          expect(await page.locator('[role=alert]').textContent()).toMatch(message);
          await page.getByRole('link', { name: 'Try again' }).click();
          await page.getByRole('button', { name: 'Continue with Corp SSO' }).waitFor();
        } finally {
          upstream.mode = 'honest';
        }
      },
      60_000,
    );

    it('refuses an unknown identity when JIT is off', async () => {
      // A new name comes with the change, so the login page shows when the AuthServer has
      // re-read the upstreams (within UPSTREAM_TTL_MS): a wait for that, not for the TTL.
      const displayName = 'Corp SSO (invitation only)';
      await configure({ jit: false, displayName });
      upstream.user = { ...carol, sub: 'u-dave', email: 'dave@corp.test', name: 'Dave' };
      await until(
        'the login page to show the re-read upstream',
        async () =>
          (await openLoginPage(sys)).html.includes(`Continue with ${displayName}`)
            ? true
            : undefined,
        { intervalMs: 250 },
      );
      const { page, status } = await signIn();
      expect(status).toBe(403);
      expect(await page.locator('[role=alert]').textContent()).toMatch(/No account here is linked/);
    }, 60_000);
  },
);
