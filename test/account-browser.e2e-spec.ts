import { join } from 'node:path';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './support/chromium';
import { RecordedRequest, recordingFetch } from './support/mcp';
import { HeadlessOAuthProvider, loopbackCallback } from './support/mcp-oauth';
import { buildSpaIfStale } from './support/spa-dist';
import { startTestSystem, TestSystem } from './support/system';

/**
 * Connected apps on /account: alice signs in to the SPA in Chromium and authorizes an MCP
 * client (the official v2 client), sees both on /account, revokes the MCP client there, and
 * its next tool call is refused while the SPA keeps reading the weather.
 */

const MCP_CLIENT_NAME = 'Forecast CLI';

describeWithChromium('/account in Chromium', 'test/account-browser.e2e-spec.ts', () => {
  let sys: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let spa: Page;
  let account: Page;
  let callback: Awaited<ReturnType<typeof loopbackCallback>>;
  let mcp: Client;
  const mcpLog: RecordedRequest[] = [];
  const weatherStatuses: number[] = [];
  const pageErrors: string[] = [];

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const apps = () => account.locator('li.app');
  const weatherTool = () => mcp.callTool({ name: 'get-weather-forecast', arguments: {} });

  beforeAll(async () => {
    buildSpaIfStale();
    sys = await startTestSystem();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    spa = await context.newPage();
    spa.setDefaultTimeout(15_000);
    spa.on('pageerror', (error) => pageErrors.push(error.message));
    spa.on('response', (response) => {
      if (response.url().startsWith(`${sys.urls.api}/WeatherForecast`)) {
        weatherStatuses.push(response.status());
      }
    });
    callback = await loopbackCallback();
  }, 180_000);

  afterAll(async () => {
    await mcp?.close();
    await callback?.close();
    await browser?.close();
    await sys?.close();
  });

  it('alice signs in to the SPA and reads the weather', async () => {
    await spa.goto(sys.urls.spa);
    await spa.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await spa.locator('input[name=username]').fill('alice');
    await spa.locator('input[name=password]').fill('alice');
    await spa.locator('button[type=submit][value=login]').click();
    await spa.locator('button[type=submit][value=allow]').click();
    await spa.getByText('Signed in as').waitFor();

    await spa
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Weather' })
      .click();
    await spa
      .getByRole('table', { name: /forecast/ })
      .locator('tbody tr')
      .first()
      .waitFor();
    expect(weatherStatuses).toEqual([200]);
  });

  it('alice authorizes an MCP client, which calls the weather tool', async () => {
    const provider = new HeadlessOAuthProvider({
      redirectUrl: callback.url,
      clientName: MCP_CLIENT_NAME,
    });
    const open = () =>
      new StreamableHTTPClientTransport(new URL(`${sys.urls.mcp}/mcp`), {
        authProvider: provider,
        fetch: recordingFetch(mcpLog),
      });
    let transport = open();
    mcp = new Client({ name: 'account-e2e', version: '1.0.0' });
    await expect(mcp.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    await transport.finishAuth(provider.takeCallback());
    transport = open();
    mcp = new Client({ name: 'account-e2e', version: '1.0.0' });
    await mcp.connect(transport);

    const result = await weatherTool();
    expect(result.isError).toBeFalsy();
    expect(provider.savedTokens.at(-1)?.refresh_token).toBeDefined();
  });

  it('shows both apps on /account, the MCP client marked unverified', async () => {
    account = await context.newPage();
    account.setDefaultTimeout(15_000);
    account.on('pageerror', (error) => pageErrors.push(error.message));
    // The SPA's sign-in left a session at the AuthServer: no second login.
    await account.goto(`${sys.urls.issuer}/account`);
    await account.getByRole('heading', { name: 'Connected apps', level: 1 }).waitFor();
    expect(await account.locator('.lead').textContent()).toContain('Alice Smith');

    expect(await apps().locator('.app-name').allTextContents()).toEqual(
      expect.arrayContaining(['Weather SPA', MCP_CLIENT_NAME]),
    );
    expect(await apps().count()).toBe(2);
    const mcpEntry = apps().filter({ hasText: MCP_CLIENT_NAME });
    expect(await mcpEntry.locator('.badge').textContent()).toBe('Unverified');
    expect(await mcpEntry.textContent()).toContain(new URL(callback.url).host);
    expect(await mcpEntry.textContent()).toContain(`${sys.urls.mcp}/mcp`);
    const spaEntry = apps().filter({ hasText: 'Weather SPA' });
    expect(await spaEntry.locator('.badge').count()).toBe(0);
    expect(await spaEntry.textContent()).toContain(sys.urls.api);

    await shot(account, '20-account');
    await account.emulateMedia({ colorScheme: 'dark' });
    await shot(account, '20-account-dark');
    await account.emulateMedia({ colorScheme: 'light' });
    await account.setViewportSize({ width: 390, height: 844 });
    // Nothing wider than the phone's screen (the page has no DOM typings here: a string).
    expect(
      await account.evaluate<boolean>(
        '(() => document.documentElement.scrollWidth <= window.innerWidth)()',
      ),
    ).toBe(true);
    await shot(account, '20-account-phone');
    await account.setViewportSize({ width: 1100, height: 800 });
  });

  it('revokes the MCP client with a plain form post', async () => {
    await account.getByRole('button', { name: `Revoke access of ${MCP_CLIENT_NAME}` }).click();
    await account.waitForURL((url) => url.pathname === '/account' && url.search === '?revoked=1');
    await account.getByRole('status').getByText('Access revoked.').waitFor();
    expect(await apps().locator('.app-name').allTextContents()).toEqual(['Weather SPA']);
    await shot(account, '21-account-revoked');
    await account.setViewportSize({ width: 390, height: 844 });
    await shot(account, '21-account-revoked-phone');
  });

  it("refuses the MCP client's next tool call with 401; its refresh token is dead too", async () => {
    mcpLog.length = 0;

    // The SDK answers the 401 by refreshing; the refresh token died with the grant.
    await expect(weatherTool()).rejects.toMatchObject({ code: 'invalid_grant' });

    const seen = mcpLog.map((r) => `${r.method} ${r.url} ${r.status}`);
    expect(seen[0]).toBe(`POST ${sys.urls.mcp}/mcp 401`);
    // The client tried its refresh token, which the revocation deleted (RFC 6749 §5.2).
    expect(seen).toContain(`POST ${sys.urls.issuer}/connect/token 400`);
    expect(seen.filter((s) => s.startsWith(`POST ${sys.urls.mcp}/mcp 200`))).toEqual([]);
  });

  it('the SPA keeps working: its API call still answers 200', async () => {
    await spa.bringToFront();
    const nav = spa.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Home' }).click();
    const response = spa.waitForResponse((r) =>
      r.url().startsWith(`${sys.urls.api}/WeatherForecast`),
    );
    await nav.getByRole('link', { name: 'Weather' }).click();
    expect((await response).status()).toBe(200);
    const rows = spa.getByRole('table', { name: /forecast/ }).locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(5);
    expect(weatherStatuses.every((status) => status === 200)).toBe(true);
  });

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
