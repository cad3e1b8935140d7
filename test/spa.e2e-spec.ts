import { createHash, type JsonWebKey } from 'node:crypto';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './support/chromium';
import { buildSpaIfStale } from './support/spa-dist';
import { startTestSystem, TestSystem } from './support/system';

/**
 * The SPA in a real headless Chromium against every role on free ports: sign in at the
 * AuthServer's own pages, read the weather, talk to the MCP server, inspect the tokens, sign out.
 */

/** One base64url JSON part of a JWS: 0 the header, 1 the claims. */
function decodeJwtPart(jwt: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(jwt.split('.')[part] ?? '', 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
}

/** RFC 7638 thumbprint of an EC public key: SHA-256 of its required members, in order. */
function thumbprint(jwk: JsonWebKey): string {
  const { crv, kty, x, y } = jwk;
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}
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
  /** The headers of the browser's forecast requests to the API. */
  const apiCalls: Record<string, string>[] = [];
  /** Page code (a string: the test project has no DOM typings) reading the DPoP key pair. */
  const storedDpopKey = `new Promise((resolve, reject) => {
    const open = indexedDB.open('oidc');
    open.onupgradeneeded = () => open.result.createObjectStore('dpop');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('dpop').objectStore('dpop').get('interactive');
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        const keys = get.result && get.result.keys;
        open.result.close();
        resolve(keys ? { privateExtractable: keys.privateKey.extractable,
          algorithm: keys.privateKey.algorithm.name + ' ' + keys.privateKey.algorithm.namedCurve,
          publicExtractable: keys.publicKey.extractable } : null);
      };
    };
  })`;

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
    // The SPA role serves spa/dist: built from the current sources.
    buildSpaIfStale();
    // Short-lived access tokens, so silent renewal (60 s before expiry) happens during the run.
    // Every DPoP proof must carry a server nonce (RFC 9449 §8, §9), so the SPA's first proof to
    // each server is refused and its retry with the nonce is what gets through.
    sys = await startTestSystem({
      env: { ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL), DPOP_REQUIRE_NONCE: 'true' },
    });
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
      if (request.method() === 'GET' && request.url() === `${sys.urls.api}/WeatherForecast`) {
        apiCalls.push(request.headers());
      }
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

    // RFC 9449 §7.1: the bound token under the DPoP scheme, with a proof for this request.
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const headers of apiCalls) {
      expect(headers.authorization).toMatch(/^DPoP ey/);
      const proof = decodeJwtPart(headers.dpop ?? '', 1);
      expect(proof).toMatchObject({ htm: 'GET', htu: `${sys.urls.api}/WeatherForecast` });
      expect(typeof proof.ath).toBe('string');
    }
    // The first proof had no nonce and met use_dpop_nonce; the retry carried the API's nonce.
    expect(decodeJwtPart(apiCalls[0]?.dpop ?? '', 1).nonce).toBeUndefined();
    expect(typeof decodeJwtPart(apiCalls[1]?.dpop ?? '', 1).nonce).toBe('string');

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
    // The first discover met use_dpop_nonce (RFC 9449 §9) and went again with the MCP nonce.
    expect(mcpPosts.map((p) => p.body.method)).toEqual([
      'server/discover',
      'server/discover',
      'tools/list',
      'tools/call',
    ]);
    expect(mcpPosts.map((p) => typeof decodeJwtPart(p.headers.dpop ?? '', 1).nonce)).toEqual([
      'undefined',
      'string',
      'string',
      'string',
    ]);
    for (const { headers, body } of mcpPosts) {
      expect(headers.authorization).toMatch(/^DPoP ey/);
      expect(decodeJwtPart(headers.dpop ?? '', 1)).toMatchObject({
        htm: 'POST',
        htu: `${sys.urls.mcp}/mcp`,
      });
      expect(headers['mcp-protocol-version']).toBe('2026-07-28');
      expect(headers['mcp-method']).toBe(body.method);
      expect(headers['mcp-session-id']).toBeUndefined();
      expect(body.params?._meta).toMatchObject({
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'api-mcp-auth-spa' },
        'io.modelcontextprotocol/clientCapabilities': {},
      });
    }
    expect(mcpPosts[3]?.headers['mcp-name']).toBe('get-weather-forecast');

    // On a phone each tool name stays on one line (no break inside a word), nothing overflows.
    await page.setViewportSize({ width: 390, height: 844 });
    await tools.waitFor();
    // Page code as a string: the test project has no DOM typings.
    const lineBoxes = await page.evaluate<number[]>(
      "[...document.querySelectorAll('.tools-table tbody th code')].map((c) => c.getClientRects().length)",
    );
    // As many tools as the weather API has operations; each name on exactly one line.
    expect(lineBoxes.length).toBeGreaterThanOrEqual(3);
    expect(lineBoxes.every((boxes) => boxes === 1)).toBe(true);
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

  it('holds DPoP-bound tokens, bound to a key the page cannot export', async () => {
    const card = (name: string) => page.getByRole('article', { name });
    const fact = (name: string, term: string) =>
      card(name).locator(`dt:has-text("${term}") + dd`).textContent();
    const key = await page.evaluate<{
      privateExtractable: boolean;
      publicExtractable: boolean;
      algorithm: string;
    } | null>(storedDpopKey);
    // The private key cannot leave WebCrypto, not even to this page's own script.
    expect(key).toEqual({
      privateExtractable: false,
      publicExtractable: true,
      algorithm: 'ECDSA P-256',
    });

    for (const name of ['API access token', 'MCP access token']) {
      expect(await fact(name, 'Token type')).toBe('DPoP');
      const jkt = await fact(name, 'Bound to key (cnf.jkt)');
      expect(jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The same key proves both: its thumbprint (RFC 7638) is what the AuthServer bound.
      const proofJwk = decodeJwtPart(apiCalls[0]?.dpop ?? '', 0).jwk as JsonWebKey;
      expect(jkt).toBe(thumbprint(proofJwk));
    }
    expect(authorizeUrls[0]?.searchParams.get('dpop_jkt')).toBe(
      await fact('API access token', 'Bound to key (cnf.jkt)'),
    );
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
    // The DPoP key went with the user: the next sign-in binds its tokens to a new key.
    expect(await page.evaluate<unknown>(storedDpopKey)).toBeNull();
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
