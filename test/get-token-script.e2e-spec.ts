import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TestBrowser } from './support/browser';
import { getWeather } from './support/flows';
import { startTestSystem, TestSystem } from './support/system';

/** The README's terminal path: scripts/get-token.mjs, a browser sign-in, then curl the API. */
describe('scripts/get-token.mjs', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
  });
  afterAll(() => sys?.close());

  it('prints an API token after the user signs in on the printed URL', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'scripts', 'get-token.mjs')], {
      env: { ...process.env, ISSUER_URL: sys.urls.issuer, API_BASE_URL: sys.urls.api },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /(http\S+\/connect\/authorize\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const authorize = new URL(url).searchParams;
    expect(authorize.get('client_id')).toBe('cli');
    const redirectUri = authorize.get('redirect_uri')!;
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);

    // The user signs in, and the consent page names the terminal, not an MCP client.
    const browser = new TestBrowser();
    const login = await browser.navigate(url, redirectUri);
    const loginPage = await login.response!.text();
    const consent = await browser.submit(
      login.url,
      loginPage,
      { username: 'alice', password: 'alice', action: 'login' },
      redirectUri,
    );
    const consentPage = await consent.response!.text();
    expect(consentPage).toContain('Terminal sign-in');
    expect(consentPage).not.toContain('MCP client');
    const allowed = await browser.submit(
      consent.url,
      consentPage,
      { action: 'allow' },
      redirectUri,
    );
    const callback = allowed.url;
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();

    const delivered = await fetch(callback);
    expect(delivered.status).toBe(200);

    expect(await exited).toBe(0);
    const token = stdout.trim();
    expect((await getWeather(sys, token)).status).toBe(200);
  });
});
