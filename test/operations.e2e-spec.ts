import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '../src/bootstrap/system';
import { DEV_SECRETS, loadConfig, ROLES } from '../src/config/config';
import { TestBrowser } from './support/browser';
import { codeFlow, getWeather, openLoginPage, tokenRequest } from './support/flows';
import { basicAuth } from './support/pkce';
import { type Family, parsePrometheusText, sampleSum } from './support/prometheus-text';
import { startTestSystem, type TestSystem } from './support/system';

const WRONG_PASSWORD = 'not-alices-password-42';

async function scrape(url: string): Promise<Map<string, Family>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

async function ready(base: string) {
  const response = await fetch(`${base}/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('/metrics', () => {
  let sys: TestSystem;
  let metricsUrl: string;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { METRICS_PORT: '0' } });
    metricsUrl = sys.system.metricsUrl!;
  });
  afterAll(() => sys?.close());

  it('is served on loopback, on its own port only', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    // (The SPA host answers every path with its app, so the test is the body, not the status.)
    for (const base of sys.system.listening.values()) {
      expect(await (await fetch(`${base}/metrics`)).text()).not.toContain('# TYPE');
    }
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
  });

  it('moves as a user signs in, fails a sign-in and calls the API; no label names a secret', async () => {
    const before = await scrape(metricsUrl);
    const delta = (after: Map<string, Family>, name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);

    const failed = await openLoginPage(sys, new TestBrowser());
    const again = await failed.browser.submit(
      failed.url,
      failed.html,
      { username: 'alice', password: WRONG_PASSWORD, action: 'login' },
      sys.urls.spa,
    );
    expect(await again.response!.text()).toContain('name="password"');

    const tokens = await codeFlow(sys);
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
    const m2m = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'api', resource: sys.urls.api },
      basicAuth('m2m.client', DEV_SECRETS.m2m),
    );
    expect(m2m.status).toBe(200);
    const m2mToken = ((await m2m.json()) as { access_token: string }).access_token;

    const after = await scrape(metricsUrl);
    expect(delta(after, 'auth_sign_ins_total', { outcome: 'wrong_credentials' })).toBe(1);
    expect(delta(after, 'auth_sign_ins_total', { outcome: 'success' })).toBe(1);
    expect(delta(after, 'auth_sign_ins_total', { outcome: 'throttled' })).toBe(0);
    const issued = 'oauth_tokens_issued_total';
    expect(
      delta(after, issued, {
        grant_type: 'authorization_code',
        client_kind: 'configured',
        client_id: 'interactive',
      }),
    ).toBe(1);
    expect(
      delta(after, issued, { grant_type: 'client_credentials', client_id: 'm2m.client' }),
    ).toBe(1);
    const requests = 'http_request_duration_seconds_count';
    expect(
      delta(after, requests, {
        role: 'api',
        route: '/WeatherForecast',
        method: 'GET',
        status_code: '200',
      }),
    ).toBe(1);
    expect(
      delta(after, requests, { role: 'auth', route: '/connect/token', status_code: '200' }),
    ).toBe(2);
    expect(
      delta(after, 'bearer_revocation_check_duration_seconds_count', {
        role: 'api',
        outcome: 'valid',
      }),
    ).toBe(1);
    expect(
      sampleSum(after, 'bearer_issuer_fetches_total', { role: 'api', document: 'jwks' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleSum(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    const secrets = [
      'alice',
      WRONG_PASSWORD,
      tokens.access_token,
      tokens.refresh_token!,
      tokens.id_token!,
      m2mToken,
      ...Object.values(DEV_SECRETS),
    ];
    for (const family of after.values()) {
      for (const sample of family.samples) {
        for (const [label, value] of Object.entries(sample.labels)) {
          for (const secret of secrets) expect(`${label}=${value}`).not.toContain(secret);
          if (label === 'route') expect(value).toMatch(/^(\/[^?]*|unmatched)$/);
        }
      }
    }
  });

  it('names unmatched paths by a fixed label, never by what the client sent', async () => {
    const base = sys.urls.api;
    expect((await fetch(`${base}/no-such-path-${'x'.repeat(20)}?token=abc`)).status).toBe(404);
    const text = await (await fetch(metricsUrl)).text();
    expect(text).not.toContain('no-such-path');
    expect(
      sampleSum(parsePrometheusText(text), 'http_request_duration_seconds_count', {
        role: 'api',
        route: 'unmatched',
        status_code: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('/metrics of the SPA host', () => {
  let sys: TestSystem;
  let dist: string;
  // A build as Vite writes it: content-hashed names that change with every build.
  const files = ['/favicon.svg', '/assets/index-B2x9Kq1a.js', '/assets/index-Dm3PzT7c.css'];

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'spa-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>SPA</title>');
    for (const file of files) writeFileSync(join(dist, file), '/* built */');
    sys = await startTestSystem({ env: { ROLES: 'spa', SPA_DIST_DIR: dist, METRICS_PORT: '0' } });
  });
  afterAll(async () => {
    await sys?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it("counts the build's files and the client-side routes as one route, not one per file", async () => {
    for (const path of [...files, '/', '/index.html', '/weather', '/tokens']) {
      const response = await fetch(`${sys.urls.spa}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      await response.arrayBuffer();
    }

    const scraped = parsePrometheusText(await (await fetch(sys.system.metricsUrl!)).text());
    const routes = new Set(
      scraped
        .get('http_request_duration_seconds')!
        .samples.filter((sample) => sample.labels.role === 'spa')
        .map((sample) => sample.labels.route),
    );
    expect([...routes]).toEqual(['/*']);
    expect(
      sampleSum(scraped, 'http_request_duration_seconds_count', { role: 'spa', route: '/*' }),
    ).toBe(files.length + 4);
  });
});

describe('/ready', () => {
  it('is 200 on every port of a healthy system, naming what each role checked', async () => {
    const sys = await startTestSystem();
    try {
      const expected: Record<string, string[]> = {
        auth: ['signing_keys', 'store'],
        api: ['issuer_keys', 'revocations', 'store'],
        mcp: ['issuer_keys', 'revocations', 'store'],
        spa: [],
      };
      for (const role of ROLES) {
        const { status, body } = await ready(sys.system.listening.get(role)!);
        expect({ role, status, body: body.status }).toEqual({ role, status: 200, body: 'ready' });
        expect(Object.keys(body.checks as object).sort()).toEqual(expected[role]);
      }
    } finally {
      await sys.close();
    }
  });

  it('is 503 naming the issuer while the AuthServer is unreachable, and 200 once it answers', async () => {
    // ROLES=api: ISSUER_URL points at the auth port, which nothing listens on.
    const api = await startTestSystem({ env: { ROLES: 'api' }, keepData: true });
    let auth: RunningSystem | undefined;
    try {
      const base = api.urls.api;
      const down = await ready(base);
      expect(down.status).toBe(503);
      expect(down.body).toEqual({
        status: 'not_ready',
        role: 'api',
        checks: {
          store: { ok: true },
          revocations: { ok: true },
          issuer_keys: { ok: false, reason: "the issuer's discovery could not be fetched" },
        },
      });
      expect((await fetch(`${base}/health`)).status).toBe(200);

      auth = await startSystem(loadConfig({ ...api.env, ROLES: 'auth' }));
      const up = await ready(base);
      expect(up).toMatchObject({ status: 200, body: { status: 'ready' } });
    } finally {
      await auth?.close();
      await api.close();
    }
  });

  it('is 503 while the process drains', async () => {
    const sys = await startTestSystem({ env: { ROLES: 'spa' } });
    const stopping = sys.system.shutdown({ drainDelayMs: 1_000, timeoutMs: 5_000 });
    try {
      const draining = await ready(sys.urls.spa);
      expect(draining).toEqual({
        status: 503,
        body: { status: 'draining', role: 'spa', checks: {} },
      });
    } finally {
      await stopping;
      await sys.close();
    }
  });
});
