import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './support/chromium';
import { startTestSystem, TestSystem } from './support/system';

/**
 * The SPA in a real headless Chromium against every role on free ports: sign in at the
 * AuthServer's own pages, read the weather, talk to the MCP server, inspect the tokens, sign out.
 */

const REPO = resolve(__dirname, '..');
const ACCESS_TOKEN_TTL = 75;

interface McpRequestBody {
  method: string;
  params?: { _meta?: Record<string, unknown> };
}

describeWithChromium('SPA in Chromium', 'test/spa.e2e-spec.ts', () => {
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const authorizeUrls: URL[] = [];
  const revocations: number[] = [];
  const endSessionUrls: URL[] = [];
  /** What the browser itself POSTed to the MCP endpoint: headers and JSON-RPC body. */
  const mcpPosts: { headers: Record<string, string>; body: McpRequestBody }[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  /** The same page under prefers-color-scheme: dark, checked and photographed, then back. */
  const shotDark = async (name: string) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectPrimaryButtonColours('dark');
    await shot(name);
    await page.emulateMedia({ colorScheme: 'light' });
  };
  /** The stylesheet loaded under the pages' CSP; in dark mode the button text is dark (AA). */
  const expectPrimaryButtonColours = async (scheme: 'light' | 'dark') => {
    // A string, as the test tsconfig has no DOM types; it runs in the page.
    const colours = await page.evaluate<[string, string]>(
      "(() => { const s = getComputedStyle(document.querySelector('button.primary')); return [s.backgroundColor, s.color]; })()",
    );
    expect(colours).toEqual(
      scheme === 'light'
        ? ['rgb(36, 87, 214)', 'rgb(255, 255, 255)']
        : ['rgb(126, 162, 255)', 'rgb(17, 20, 27)'],
    );
  };
  const atIssuer = (url: URL) => url.origin === new URL(sys.urls.issuer).origin;

  beforeAll(async () => {
    // The SPA role serves spa/dist: build it from the current sources.
    execFileSync('npm', ['run', 'build', '-w', 'spa'], { cwd: REPO, stdio: 'pipe' });
    // Short-lived access tokens, so silent renewal (60 s before expiry) happens during the run.
    sys = await startTestSystem({ env: { ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL) } });
    // Each launch gets a fresh temporary profile, so no cookies or storage carry over.
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.url().endsWith('/connect/revocation')) revocations.push(response.status());
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/connect/authorize')) authorizeUrls.push(url);
      if (url.pathname.endsWith('/connect/endsession')) endSessionUrls.push(url);
      if (request.method() === 'POST' && request.url() === `${sys.urls.mcp}/mcp`) {
        mcpPosts.push({
          headers: request.headers(),
          body: request.postDataJSON() as McpRequestBody,
        });
      }
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('shows the home page with a Sign in button when signed out', async () => {
    await page.goto(sys.urls.spa);
    await page.getByRole('heading', { name: 'Weather, behind OAuth', level: 1 }).waitFor();
    expect(await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    await shot('01-home-signed-out');
  });

  it('signs alice in at the AuthServer with code + PKCE and both resource indicators', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(atIssuer);
    await page.locator('input[name=username]').fill('alice');
    await page.locator('input[name=password]').fill('alice');
    await shot('02-login');
    await expectPrimaryButtonColours('light');
    await shotDark('02-login-dark');
    await page.locator('button[type=submit][value=login]').click();

    await page.locator('button[type=submit][value=allow]').waitFor();
    await shot('03-consent');
    await shotDark('03-consent-dark');
    await page.locator('button[type=submit][value=allow]').click();

    await page.waitForURL(
      (url) => url.origin === new URL(sys.urls.spa).origin && url.pathname === '/',
    );
    await page.getByText('Signed in as').waitFor();
    expect(await page.getByRole('banner').textContent()).toContain('Alice Smith');

    const authorize = authorizeUrls[0];
    expect(authorize).toBeDefined();
    expect(authorize!.searchParams.getAll('resource')).toEqual([
      sys.urls.api,
      `${sys.urls.mcp}/mcp`,
    ]);
    expect(authorize!.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize!.searchParams.get('client_id')).toBe('interactive');
    await shot('04-home-signed-in');
  });

  it('shows the five forecasts from the API in a table', async () => {
    await nav('Weather').click();
    const table = page.getByRole('table', { name: /forecast/ });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(5);
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'Date',
      '°C',
      '°F',
      'Summary',
    ]);
    await shot('05-weather');

    await page.setViewportSize({ width: 390, height: 844 });
    await shot('05-weather-phone');
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('speaks protocol 2026-07-28 to the MCP server: lists the tools, calls the weather tool', async () => {
    await nav('MCP').click();
    const tools = page.getByRole('table', { name: 'Tools offered by the MCP server' });
    await tools.waitFor();
    expect(await tools.locator('tbody th').allTextContents()).toContain('get-weather-forecast');
    expect(await page.locator('p', { hasText: 'Connected to' }).textContent()).toBe(
      'Connected to api-mcp-auth-weather 1.0.0 (protocol 2026-07-28).',
    );

    await page.getByRole('button', { name: 'Call get-weather-forecast' }).click();
    const output = page.getByTestId('tool-output');
    await output.waitFor();
    const text = (await output.textContent()) ?? '';
    // The tool's text is the weather API's JSON answer (the tool comes from its OpenAPI document).
    expect(text.match(/"temperatureC"/g)).toHaveLength(5);
    await shot('06-mcp');

    // No handshake: server/discover, then each request names the revision in headers and _meta.
    expect(mcpPosts.map((p) => p.body.method)).toEqual([
      'server/discover',
      'tools/list',
      'tools/call',
    ]);
    for (const { headers, body } of mcpPosts) {
      expect(headers['mcp-protocol-version']).toBe('2026-07-28');
      expect(headers['mcp-method']).toBe(body.method);
      expect(headers['mcp-session-id']).toBeUndefined();
      expect(body.params?._meta).toMatchObject({
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'api-mcp-auth-spa' },
        'io.modelcontextprotocol/clientCapabilities': {},
      });
    }
    expect(mcpPosts[2]?.headers['mcp-name']).toBe('get-weather-forecast');

    // On a phone each tool name stays on one line (no break inside a word), nothing overflows.
    await page.setViewportSize({ width: 390, height: 844 });
    await tools.waitFor();
    // Page code as a string: the test project has no DOM typings.
    const lineBoxes = await page.evaluate<number[]>(
      "[...document.querySelectorAll('.tools-table tbody th code')].map((c) => c.getClientRects().length)",
    );
    expect(lineBoxes).toEqual([1, 1, 1]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
    await shot('06-mcp-phone');
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('shows the decoded tokens, each with its own audience', async () => {
    await nav('Tokens').click();
    const card = (name: string) => page.getByRole('article', { name });
    await card('MCP access token').getByText('Audience (aud)').waitFor();

    const audience = async (name: string) =>
      card(name).locator('dt:has-text("Audience (aud)") + dd').textContent();
    expect(await audience('ID token')).toBe('interactive');
    expect(await audience('API access token')).toBe(sys.urls.api);
    expect(await audience('MCP access token')).toBe(`${sys.urls.mcp}/mcp`);
    expect(
      await card('API access token')
        .getByText(/expires in/)
        .count(),
    ).toBe(1);
    await shot('07-tokens');
  });

  it('renews both access tokens silently, with the rotating refresh token', async () => {
    const claims = async (name: string) =>
      JSON.parse(
        (await page
          .getByRole('region', { name: `${name}: claims` })
          .locator('pre')
          .textContent()) ?? '{}',
      ) as { jti?: string; aud?: string };
    const before = [await claims('API access token'), await claims('MCP access token')];
    expect(before.every((c) => typeof c.jti === 'string')).toBe(true);

    const deadline = Date.now() + ACCESS_TOKEN_TTL * 1000;
    let after = before;
    while (Date.now() < deadline && after.some((c, i) => c.jti === before[i]!.jti)) {
      await page.waitForTimeout(500);
      after = [await claims('API access token'), await claims('MCP access token')];
    }
    expect(after.map((c) => c.jti)).not.toContain(before[0]!.jti);
    expect(after.map((c) => c.jti)).not.toContain(before[1]!.jti);
    expect(after.map((c) => c.aud)).toEqual([sys.urls.api, `${sys.urls.mcp}/mcp`]);

    // The renewed tokens (and the refresh token rotated twice on the way) still work.
    await nav('Weather').click();
    const rows = page.getByRole('table', { name: /forecast/ }).locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(5);
    await nav('MCP').click();
    await page.getByRole('button', { name: 'Call get-weather-forecast' }).click();
    expect(await page.getByTestId('tool-output').textContent()).toMatch(/"temperatureC"/);
  }, 120_000);

  it('signs out: revokes the refresh token, ends the AuthServer session', async () => {
    // The test project has no DOM typings, so the page code is passed as a string.
    const userKey = JSON.stringify(`oidc.user:${sys.urls.issuer}:interactive`);
    const stored = await page.evaluate<string | null>(`sessionStorage.getItem(${userKey})`);
    const refreshToken = (JSON.parse(stored ?? '{}') as { refresh_token?: string }).refresh_token;
    expect(refreshToken).toBeTruthy();

    // The SPA's button is the only question: its ID token hint names this session, so the
    // AuthServer signs out without a "Sign out?" page of its own (RP-Initiated Logout §2).
    const pagesShown: URL[] = [];
    const shown = (frame: { url(): string }) => pagesShown.push(new URL(frame.url()));
    page.on('framenavigated', shown);
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/signout-callback-oidc');
    page.off('framenavigated', shown);
    expect(pagesShown.filter(atIssuer)).toEqual([]);
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    expect(await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    await shot('09-signed-out');

    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    // RFC 7009 revocation from the SPA, then proof that the refresh token is dead.
    expect(revocations).toEqual([200]);
    // RP-Initiated Logout §2 with the ID token as hint and the registered return address.
    expect(endSessionUrls[0]?.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(endSessionUrls[0]?.searchParams.get('post_logout_redirect_uri')).toBe(
      `${sys.urls.spa}/signout-callback-oidc`,
    );
    const reuse = await fetch(`${sys.urls.issuer}/connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken!,
        client_id: 'interactive',
      }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('asks for a login again when a protected page is opened after sign-out', async () => {
    await page.goto(`${sys.urls.spa}/weather`);
    await page.waitForURL(atIssuer);
    await page.locator('input[name=username]').waitFor();
    await shot('10-login-again');
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
