import { TestBrowser } from './support/browser';
import { captureLogs } from './support/captured-logs';
import { openLoginPage } from './support/flows';
import { pkcePair } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';

/** The AuthServer's own pages over real HTTP: forms, refusals, assets, unverified clients, audit. */
describe('AuthServer login and consent pages', () => {
  let sys: TestSystem;
  const logs = captureLogs();

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth' }, logger: logs.logger });
  });
  afterAll(() => sys?.close());

  /** Posts a raw form body to the login page's own action, with its CSRF token. */
  async function postLogin(body: (csrf: string) => string) {
    const { browser, url, html } = await openLoginPage(sys);
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!, url).href;
    const csrf = encodeURIComponent(/name="csrf" value="([^"]*)"/.exec(html)![1]!);
    const started = performance.now();
    const response = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body(csrf),
    });
    return { response, ms: performance.now() - started, html: await response.text() };
  }

  it('answers a repeated username with a 400 page, not a 500', async () => {
    const { response, html } = await postLogin(
      (csrf) => `csrf=${csrf}&action=login&username=alice&username=bob&password=x`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('The field &#34;username&#34; was sent more than once.');
  });

  it('answers a repeated password or action with a 400 page', async () => {
    for (const body of [
      (csrf: string) => `csrf=${csrf}&action=login&username=alice&password=a&password=b`,
      (csrf: string) => `csrf=${csrf}&action=login&action=abort&username=alice&password=a`,
    ]) {
      expect((await postLogin(body)).response.status).toBe(400);
    }
  });

  it('refuses an oversized username quickly, before any password work, and records nothing', async () => {
    const huge = 'a'.repeat(300_000);
    // Six tries: more than the throttle's five, so a recorded failure would lock bob out.
    for (let i = 0; i < 6; i++) {
      const { response, ms, html } = await postLogin(
        (csrf) => `csrf=${csrf}&action=login&username=bob${huge}&password=wrong`,
      );
      expect(response.status).toBe(400);
      expect(html).toContain('The username is too long (at most 256 characters).');
      expect(html).not.toContain(huge.slice(0, 1000));
      expect(ms).toBeLessThan(1000);
    }
    const { response, html } = await postLogin(
      (csrf) => `csrf=${csrf}&action=login&username=bob&password=${'p'.repeat(1025)}`,
    );
    expect(response.status).toBe(400);
    expect(html).toContain('The password is too long (at most 1024 characters).');
    // Nothing stored: bob is not throttled and signs in.
    const ok = await postLogin((csrf) => `csrf=${csrf}&action=login&username=bob&password=bob`);
    expect(ok.response.status).toBe(303);
  });

  it('serves the stylesheet as a cached file and the icon instead of a 404', async () => {
    const css = await fetch(`${sys.urls.issuer}/assets/auth.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await css.text()).toContain('--on-accent');

    const icon = await fetch(`${sys.urls.issuer}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg /);
  });

  it('shows a configured client by name only', async () => {
    const { html } = await openLoginPage(sys);
    expect(html).toContain('<strong>Weather SPA</strong>');
    expect(html).not.toContain('Unverified');
  });

  it("shows a registered client's redirect host on the consent page and marks it unverified", async () => {
    const registration = await fetch(`${sys.urls.issuer}/connect/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Forecast Helper',
        redirect_uris: ['https://evil.example/cb'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      }),
    });
    expect(registration.status).toBe(201);
    const { client_id: clientId } = (await registration.json()) as { client_id: string };

    const authorize = new URL(`${sys.urls.issuer}/connect/authorize`);
    authorize.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: 'https://evil.example/cb',
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      prompt: 'consent',
    }).toString();
    const browser = new TestBrowser();
    const login = await browser.navigate(authorize.href, 'https://evil.example');
    const loginHtml = await login.response!.text();
    expect(loginHtml).toContain('Unverified app');
    expect(loginHtml).toContain('<strong class="redirect-host">evil.example</strong>');

    const consent = await browser.submit(
      login.url,
      loginHtml,
      { username: 'alice', password: 'alice', action: 'login' },
      'https://evil.example',
    );
    expect(consent.response?.status).toBe(200);
    const consentHtml = await consent.response!.text();
    expect(consentHtml).toContain('value="allow"');
    expect(consentHtml).toContain('<strong>Forecast Helper</strong> wants to act for');
    expect(consentHtml).toContain('Unverified app');
    expect(consentHtml).toContain('<strong class="redirect-host">evil.example</strong>');

    const denied = await browser.submit(
      consent.url,
      consentHtml,
      { action: 'deny' },
      'https://evil.example',
    );
    expect(new URL(denied.url).searchParams.get('error')).toBe('access_denied');
    const audit = logs.named('audit');
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'sign_in.succeeded', username: 'alice', clientId }),
        expect.objectContaining({ event: 'consent.denied', subject: '818727', clientId }),
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain('password');
  });
});
