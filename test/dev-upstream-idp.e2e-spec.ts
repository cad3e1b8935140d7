import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consentAndRedeem, federatedSignIn } from './support/federation-flow';
import { getWeather } from './support/flows';
import { envWithoutStore, runNpmScript } from './support/operator-cli';
import { freePorts } from './support/ports';
import { startTestSystem, type TestSystem } from './support/system';

const ROOT = join(__dirname, '..');

/** The words of a printed command line; "double quotes" group, as a shell would. */
function words(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!,
  );
}

/**
 * The README's newcomer path, as a newcomer takes it: `npm run dev:upstream-idp` in its own
 * process, the `npm run admin -- idps add …` line it prints run as printed, then a sign-in
 * through it (HTTP forms only) that picks ada at the upstream and gets the weather.
 */
// Two Node processes besides the system, one of them loading the build.
jest.setTimeout(120_000);

describe('npm run dev:upstream-idp', () => {
  let sys: TestSystem;
  let idp: ChildProcess | undefined;
  let dir: string;
  let printed = '';

  beforeAll(async () => {
    sys = await startTestSystem();
    dir = mkdtempSync(join(tmpdir(), 'dev-upstream-idp-'));
    const [port] = await freePorts(1);
    // As package.json spells it: `node <file>`.
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [, file] = scripts['dev:upstream-idp']!.split(' ');
    idp = spawn(process.execPath, [join(ROOT, file!)], {
      cwd: ROOT,
      env: {
        ...process.env,
        UPSTREAM_IDP_PORT: String(port),
        ISSUER_URL: sys.urls.issuer,
        UPSTREAM_IDP_DIR: dir,
      },
    });
    printed = await new Promise<string>((resolve, reject) => {
      let out = '';
      idp!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/npm run admin -- idps add .*\n/.test(out)) resolve(out);
      });
      idp!.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
  });

  afterAll(async () => {
    idp?.kill('SIGTERM');
    await sys?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the command that registers it, which the admin CLI accepts as printed', async () => {
    expect(printed).toContain(`sends users back to ${sys.urls.issuer}/federation/callback`);
    expect(printed).toContain(`client secret in ${join(dir, 'client-secret')}`);
    const line = /npm run admin -- (idps add .*)\n/.exec(printed)![1]!;
    const run = await runNpmScript('admin', words(line), {
      env: envWithoutStore({ NODE_ENV: 'test', SQLITE_PATH: sys.env.SQLITE_PATH! }),
    });
    expect(run).toMatchObject({ code: 0, stdout: 'saved dev\n' });
  });

  it('signs ada in through it: her group earns weatherget and the API answers 200', async () => {
    const step = await federatedSignIn(sys, 'Dev IdP');
    expect(step.page.html).toContain('Sign in as (no password: development only)');

    const back = await step.browser.submit(
      step.page.url,
      step.page.html,
      { user: 'ada' },
      step.redirectUri,
    );
    const html = (await back.response?.text()) ?? '';
    expect(html).toContain('You signed in with <strong>Dev IdP</strong>');
    expect(html).toContain('<li><code>groups</code>: staff, weather-readers</li>');

    const page = { url: back.url, status: back.response!.status, html };
    const tokens = await consentAndRedeem(sys, { ...step, page });
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
  });
});
