import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, Page, Request } from 'playwright-core';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './support/chromium';
import { startTestSystem, TestSystem } from './support/system';

/**
 * Swagger UI's "Authorize" button in a real headless Chromium against the real AuthServer:
 * authorization code + PKCE in a popup as the public `swagger` client, the token fetched by the
 * page itself (CORS at the token endpoint), then "Try it out" on GET /WeatherForecast.
 */

/** The heading of the code flow's form in Swagger UI's Authorize dialog. */
const CODE_FLOW = /authori[sz]ation_?[cC]ode with PKCE/;

describeWithChromium('Swagger UI in Chromium', 'test/swagger.e2e-spec.ts', () => {
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const authorizeUrls: URL[] = [];
  const tokenRequests: Request[] = [];
  const redirects: URL[] = [];

  const shot = (target: Page, name: string) =>
    target.screenshot({ path: join(SCREENSHOTS, `swagger-${name}.png`), fullPage: true });
  const atIssuer = (url: URL) => url.origin === new URL(sys.urls.issuer).origin;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(15_000);
    // Swagger UI opens the AuthServer in a popup: watch every page of the context.
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/connect/authorize') authorizeUrls.push(url);
      if (url.pathname === '/swagger/oauth2-redirect.html') redirects.push(url);
      if (url.pathname === '/connect/token' && request.method() === 'POST')
        tokenRequests.push(request);
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('shows the Weather API with an Authorize button', async () => {
    await page.goto(`${sys.urls.api}/swagger`);
    await page.getByRole('heading', { name: /Weather API/ }).waitFor();
    await page.locator('button.authorize').waitFor();
    await shot(page, '01-ui');
  });

  it('authorizes with code + PKCE in a popup at the AuthServer', async () => {
    await page.locator('button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    const codeFlow = dialog.locator('.auth-container').filter({ hasText: CODE_FLOW });
    expect(await codeFlow.locator('input[data-name=clientId]').inputValue()).toBe('swagger');
    // Only what the `swagger` client may ask for: a scope it may not have fails the sign-in.
    const boxes = await codeFlow.locator('input[type=checkbox][data-value]').all();
    const offered = await Promise.all(boxes.map((box) => box.getAttribute('data-value')));
    expect(offered.sort()).toEqual(['api', 'weatherget']);
    // initOAuth preselects weatherget; tick it if this Swagger UI version does not.
    const weatherget = codeFlow.locator('input[id^="weatherget-"][type=checkbox]');
    if (!(await weatherget.isChecked()))
      await codeFlow.locator('label[for^="weatherget-"]').click();
    expect(await weatherget.isChecked()).toBe(true);
    await shot(page, '02-dialog');

    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      codeFlow.locator('button.modal-btn.authorize').click(),
    ]);
    await popup.waitForURL(atIssuer);
    await popup.locator('input[name=username]').fill('alice');
    await popup.locator('input[name=password]').fill('alice');
    await shot(popup, '03-login');
    await popup.locator('button[type=submit][value=login]').click();

    await popup.locator('button[type=submit][value=allow]').waitFor();
    await shot(popup, '04-consent');
    // The popup lands on oauth2-redirect.html, hands the code to its opener and closes itself;
    // Swagger UI (in the page) then redeems the code at the token endpoint, cross-origin.
    const tokenResponse = page.waitForResponse(
      (response) =>
        response.url().startsWith(`${sys.urls.issuer}/connect/token`) &&
        response.request().method() === 'POST',
    );
    await Promise.all([
      popup.waitForEvent('close'),
      popup.locator('button[type=submit][value=allow]').click(),
    ]);
    const token = await tokenResponse;
    expect(token.status()).toBe(200);
    // The default clientBasedCORS of oidc-provider admits a public client's redirect origin.
    expect(token.headers()['access-control-allow-origin']).toBe(new URL(sys.urls.api).origin);
    expect(await token.json()).toMatchObject({ token_type: 'Bearer', scope: 'weatherget api' });
    await codeFlow.getByRole('button', { name: 'Remove authorization' }).waitFor();
    expect(await codeFlow.getByText('Authorized', { exact: true }).count()).toBe(1);
    await shot(page, '05-authorized');

    const authorize = authorizeUrls[0];
    expect(authorize).toBeDefined();
    expect(authorize!.searchParams.get('client_id')).toBe('swagger');
    expect(authorize!.searchParams.get('response_type')).toBe('code');
    expect(authorize!.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize!.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    // initOAuth preselects every scope of the weather API's list.
    expect(authorize!.searchParams.get('scope')).toBe('weatherget api');
    expect(authorize!.searchParams.get('resource')).toBe(sys.urls.api);
    expect(authorize!.searchParams.get('redirect_uri')).toBe(
      `${sys.urls.api}/swagger/oauth2-redirect.html`,
    );

    // The popup came back to Swagger UI's redirect page with the code (and RFC 9207 iss).
    expect(redirects).toHaveLength(1);
    expect(redirects[0]!.origin + redirects[0]!.pathname).toBe(
      `${sys.urls.api}/swagger/oauth2-redirect.html`,
    );
    expect(redirects[0]!.searchParams.get('code')).toBeTruthy();
    expect(redirects[0]!.searchParams.get('iss')).toBe(sys.urls.issuer);

    expect(tokenRequests).toHaveLength(1);
    const form = new URLSearchParams(tokenRequests[0]!.postData() ?? '');
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe('swagger');
    expect(form.get('code')).toBe(redirects[0]!.searchParams.get('code'));
    // PKCE (RFC 7636 §4.1, §4.2): a 43–128 character verifier whose S256 is the challenge.
    const verifier = form.get('code_verifier') ?? '';
    expect(verifier).toMatch(/^[\w.~-]{43,128}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      authorize!.searchParams.get('code_challenge'),
    );

    await codeFlow.locator('button.modal-btn.btn-done').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('calls GET /WeatherForecast with an API-audience token and shows five forecasts', async () => {
    const operation = page.locator('.opblock-get', {
      has: page.locator('[data-path="/WeatherForecast"]'),
    });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();

    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.url() === `${sys.urls.api}/WeatherForecast` && r.request().method() === 'GET',
      ),
      operation.getByRole('button', { name: 'Execute' }).click(),
    ]);
    expect(response.status()).toBe(200);

    const authorization = (await response.request().allHeaders()).authorization ?? '';
    expect(authorization).toMatch(/^Bearer ey/);
    const claims = decodeJwt(authorization.slice('Bearer '.length));
    expect(claims.aud).toBe(sys.urls.api);
    expect(claims.iss).toBe(sys.urls.issuer);
    expect(claims.client_id).toBe('swagger');
    expect(String(claims.scope).split(' ')).toContain('weatherget');

    // What Swagger UI shows as the live response.
    const live = operation.locator('.live-responses-table');
    await live.waitFor();
    expect((await live.locator('tr.response .response-col_status').textContent())?.trim()).toBe(
      '200',
    );
    const body = JSON.parse(
      (await live
        .locator('tr.response .response-col_description .highlight-code pre')
        .textContent()) ?? '[]',
    ) as { summary?: string }[];
    expect(body).toHaveLength(5);
    expect(body.every((forecast) => typeof forecast.summary === 'string')).toBe(true);
    await live.scrollIntoViewIfNeeded();
    await shot(page, '06-response');
  });

  it('says in words why a cancelled sign-in failed', async () => {
    // A browser of its own, not yet signed in, so the AuthServer asks and the user cancels.
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const fresh = await context.newPage();
    fresh.on('pageerror', (error) => pageErrors.push(error.message));
    await fresh.goto(`${sys.urls.api}/swagger`);
    await fresh.locator('button.authorize').click();
    const codeFlow = fresh.locator('.dialog-ux .auth-container').filter({ hasText: CODE_FLOW });
    const [popup] = await Promise.all([
      fresh.waitForEvent('popup'),
      codeFlow.locator('button.modal-btn.authorize').click(),
    ]);
    await popup.locator('input[name=username]').waitFor();
    // The AuthServer redirects with error_description=End-User+aborted+the+sign-in (a
    // form-encoded query, RFC 6749 §4.1.2.1); the `+` are spaces.
    await Promise.all([
      popup.waitForEvent('close'),
      popup.locator('button[type=submit][value=abort]').click(),
    ]);
    const error = codeFlow.getByText(/access_denied/);
    await error.waitFor();
    await shot(fresh, '07-cancelled');
    expect(await error.textContent()).toContain('End-User aborted the sign-in');
    await context.close();
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
