import { TestBrowser } from './support/browser';
import { codeFlow, getWeather, tokenRequest, type TokenResponse } from './support/flows';
import { startTestSystem, TestSystem } from './support/system';

/**
 * The account page over plain HTTP, with the cookie-jar browser: sign-in through the normal
 * login page, the list of connected apps, and revocation with its CSRF and ownership checks.
 */
describe('/account: connected apps', () => {
  let sys: TestSystem;
  const alice = new TestBrowser();
  let spa: TokenResponse;
  let bob: TestBrowser;
  let bobSpa: TokenResponse;
  let helper: { clientId: string; redirectUri: string; tokens: TokenResponse };

  const account = () => `${sys.urls.issuer}/account`;
  const accountPage = async (browser: TestBrowser, query = '') => {
    const response = await browser.request(`${account()}${query}`);
    expect(response.status).toBe(200);
    return response.text();
  };
  const entries = (html: string) => html.split('<li class="app">').slice(1);
  const entryFor = (html: string, name: string) =>
    entries(html).find((entry) => entry.includes(`<span class="app-name">${name}</span>`));
  const fieldOf = (html: string, name: string) =>
    new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  const revoke = (
    browser: TestBrowser,
    fields: Record<string, string> | [string, string][],
    origin?: string,
  ) =>
    browser.request(`${account()}/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(origin ? { origin } : {}),
      },
      body: new URLSearchParams(fields).toString(),
    });

  beforeAll(async () => {
    sys = await startTestSystem();
  });

  afterAll(async () => {
    await sys?.close();
  });

  it('sends a visitor without a session through the normal sign-in, and back', async () => {
    const first = await alice.request(account());
    expect(first.status).toBe(303);
    const authorize = new URL(first.headers.get('location')!);
    expect(authorize.pathname).toBe('/connect/authorize');
    expect(authorize.searchParams.get('client_id')).toBe('account');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    const login = await alice.navigate(authorize.href, account());
    const html = await login.response!.text();
    expect(html).toContain('to continue to <strong>Your account</strong>');
    expect(html).not.toContain('Unverified');
    const back = await alice.submit(
      login.url,
      html,
      { username: 'alice', password: 'alice', action: 'login' },
      `${sys.urls.issuer}/nowhere`,
    );
    // No consent for the server's own page: the sign-in lands on the account page itself.
    expect(back.response?.status).toBe(200);
    expect(new URL(back.url).pathname).toBe('/account');
    const page = await back.response!.text();
    expect(page).toContain('Signed in as <strong>Alice Smith</strong>');
    expect(page).toContain('No app has access to your account.');
  });

  it('lists the SPA and a registered MCP client with what each may do', async () => {
    spa = await codeFlow(sys, { browser: alice, resources: [sys.urls.api] });
    helper = await registerAndAuthorize(sys, alice);

    const page = await accountPage(alice);
    expect(entries(page)).toHaveLength(2);
    const spaEntry = entryFor(page, 'Weather SPA')!;
    expect(spaEntry).toBeDefined();
    expect(spaEntry).not.toContain('Unverified');
    expect(spaEntry).toContain('<code>openid</code>');
    expect(spaEntry).toContain(`<code>${sys.urls.api}</code>`);
    expect(spaEntry).toMatch(/Last used<\/dt>\s*<dd><time datetime="/);

    const helperEntry = entryFor(page, 'Forecast &#60;Helper&#62;')!;
    expect(helperEntry).toBeDefined();
    expect(helperEntry).toContain('<span class="badge">Unverified</span>');
    expect(helperEntry).toContain(`<dd>${new URL(helper.redirectUri).host}</dd>`);
    expect(helperEntry).toContain(`<code>${sys.urls.mcp}/mcp</code>`);
    expect(helperEntry).toContain('<code>weatherget</code>');
  });

  it('answers with the same headers as the login pages (CSP, no framing, no caching)', async () => {
    const response = await alice.request(account());
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a revocation without the page token or from another site', async () => {
    const page = await accountPage(alice);
    const grant = fieldOf(entryFor(page, 'Forecast &#60;Helper&#62;')!, 'grant')!;
    const csrf = fieldOf(page, 'csrf')!;

    expect((await revoke(alice, { grant })).status).toBe(403);
    expect((await revoke(alice, { grant, csrf: 'forged' })).status).toBe(403);
    expect((await revoke(alice, { grant, csrf }, 'https://evil.example')).status).toBe(403);
    const repeated: [string, string][] = [
      ['grant', grant],
      ['grant', grant],
      ['csrf', csrf],
    ];
    expect((await revoke(alice, repeated)).status).toBe(400);
    expect(entries(await accountPage(alice))).toHaveLength(2);
  });

  it("does not let another user revoke alice's grant", async () => {
    bob = new TestBrowser();
    const first = await bob.request(account());
    await bob.authorize(first.headers.get('location')!, {
      username: 'bob',
      password: 'bob',
      redirectUri: `${account()}/signed-in`,
    });
    // Bob connects an app too, so his page has a revoke form (and its token) to misuse.
    bobSpa = await codeFlow(sys, { browser: bob, username: 'bob', password: 'bob' });
    const bobPage = await accountPage(bob);
    expect(entries(bobPage)).toHaveLength(1);
    expect(bobPage).toContain('Signed in as <strong>Bob Smith</strong>');
    const alicePage = await accountPage(alice);
    const grant = fieldOf(entryFor(alicePage, 'Weather SPA')!, 'grant')!;

    const refused = await revoke(bob, { grant, csrf: fieldOf(bobPage, 'csrf')! });

    expect(refused.status).toBe(404);
    expect(entries(await accountPage(alice))).toHaveLength(2);
    expect((await getWeather(sys, spa.access_token)).status).toBe(200);
  });

  it('revokes once when the same form is posted many times at once', async () => {
    const page = await accountPage(bob);
    const fields = { grant: fieldOf(page, 'grant')!, csrf: fieldOf(page, 'csrf')! };
    expect((await getWeather(sys, bobSpa.access_token)).status).toBe(200);

    const answers = await Promise.all(Array.from({ length: 8 }, () => revoke(bob, fields)));

    const statuses = answers.map((a) => a.status);
    expect(statuses.every((status) => status === 303 || status === 404)).toBe(true);
    expect(statuses).toContain(303);
    expect(entries(await accountPage(bob))).toHaveLength(0);
    expect((await getWeather(sys, bobSpa.access_token)).status).toBe(401);
    // Alice's apps are untouched.
    expect(entries(await accountPage(alice))).toHaveLength(2);
  });

  it('revokes one app: its tokens stop working at once, the other app keeps working', async () => {
    const page = await accountPage(alice);
    const grant = fieldOf(entryFor(page, 'Forecast &#60;Helper&#62;')!, 'grant')!;
    expect((await mcpProtected(sys, helper.tokens.access_token)).status).toBe(200);

    const done = await revoke(
      alice,
      { grant, csrf: fieldOf(page, 'csrf')! },
      new URL(sys.urls.issuer).origin,
    );

    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account?revoked=1');
    const after = await accountPage(alice, '?revoked=1');
    expect(after).toContain('Access revoked.');
    expect(entries(after)).toHaveLength(1);
    expect(entryFor(after, 'Weather SPA')).toBeDefined();
    // The JWT access token is refused by its grant id; the refresh token is gone.
    expect((await mcpProtected(sys, helper.tokens.access_token)).status).toBe(401);
    const refresh = await tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: helper.tokens.refresh_token!,
      client_id: helper.clientId,
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await getWeather(sys, spa.access_token)).status).toBe(200);
    // Revoking it again finds nothing.
    expect((await revoke(alice, { grant, csrf: fieldOf(after, 'csrf')! })).status).toBe(404);
  });
});

/** A self-registered client (RFC 7591) named with markup, authorized for the MCP resource. */
async function registerAndAuthorize(sys: TestSystem, browser: TestBrowser) {
  const redirectUri = 'http://127.0.0.1:4567/callback';
  const registration = await fetch(`${sys.urls.issuer}/connect/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Forecast <Helper>',
      application_type: 'native',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  expect(registration.status).toBe(201);
  const { client_id: clientId } = (await registration.json()) as { client_id: string };
  const tokens = await codeFlow(sys, {
    browser,
    clientId,
    redirectUri,
    scope: 'openid weatherget',
    resources: [`${sys.urls.mcp}/mcp`],
  });
  expect(tokens.refresh_token).toBeDefined();
  return { clientId, redirectUri, tokens };
}

function mcpProtected(sys: TestSystem, token: string) {
  return fetch(`${sys.urls.mcp}/api/protected`, { headers: { authorization: `Bearer ${token}` } });
}
