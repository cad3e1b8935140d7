import { TestBrowser } from '../support/browser';
import { codeFlow, tokenRequest } from '../support/flows';
import { startTestSystem, TestSystem } from '../support/system';

/**
 * RP-initiated logout ends the grants of the session, offline_access ones included, so a
 * refresh token left behind (a shared or stolen device) stops working. "Yes, sign me out" ends
 * the whole session (every client's grant); "No, stay signed in" still ends the requesting
 * client's own grant (OIDC RP-Initiated Logout: the RP asked to be logged out).
 */
describe('logout', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
  });
  afterAll(() => sys?.close());

  it.each([
    ['signing out of the session', { logout: 'yes' }],
    ['staying signed in but logging the client out', {}],
  ])('%s ends the offline_access grant', async (_case, choice) => {
    const browser = new TestBrowser();
    const tokens = await codeFlow(sys, {
      browser,
      scope: 'openid weatherget offline_access',
    });
    const refresh = () =>
      tokenRequest(sys, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: 'interactive',
      });

    const logout = new URL(`${sys.urls.issuer}/connect/endsession`);
    // Without an id_token_hint the AuthServer asks (with one for this session it does not:
    // test/spec-currency.e2e-spec.ts); the client_id still names the RP asking.
    logout.searchParams.set('client_id', 'interactive');
    const html = await (await browser.request(logout.href)).text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    await browser.navigate(action, sys.urls.spa, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, ...choice }).toString(),
    });

    const after = await refresh();
    expect(after.status).toBe(400);
    expect(((await after.json()) as { error: string }).error).toBe('invalid_grant');
  });
});
