import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from './support/chromium';
import { describeWithInspector, runInspectorCli, type InspectorRun } from './support/inspector';
import { envWithoutStore, runNpmScript } from './support/operator-cli';
import { freePorts } from './support/ports';
import { buildSpaIfStale } from './support/spa-dist';
import { showingOutput, startServerProcess, type ServerProcess } from './support/server-process';

const ROOT = join(__dirname, '..');
const TOOL = 'notes-listNotes';
const RUN_TIMEOUT_MS = 90_000;

interface ToolResult {
  result: {
    isError?: boolean;
    content: { type: string; text?: string }[];
    structuredContent?: { connect_url?: string; notes?: { id: number; text: string }[] };
  };
}

/** The words of a printed command line; "double quotes" group, as a shell would. */
function words(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!,
  );
}

/** Runs a package.json script as `node <file>`, as npm would, and waits for its last line. */
async function startDevScript(
  name: string,
  env: Record<string, string>,
  lastLine: RegExp,
): Promise<{ child: ChildProcess; printed: string }> {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [, file] = scripts[name]!.split(' ');
  const child = spawn(process.execPath, [join(ROOT, file!)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  const printed = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (lastLine.test(out)) resolve(out);
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
  });
  return { child, printed };
}

/**
 * The README's "Sign in through a local IdP and call a third-party API", as a newcomer takes
 * it: `npm run dev:upstream-idp` (the dev IdP and its notes API) in its own process, the admin
 * command it prints run as printed, the built system started with the APIS_FILE it wrote; in
 * Chromium the SPA's *Sign in*, *Continue with Dev IdP* and ada at the upstream; then the MCP
 * Inspector's CLI (its UI cannot be driven without a desktop; the CLI is what
 * test/inspector.e2e-spec.ts drives) signs in in that same Chromium, calls the notes tool, gets
 * the connect link, which Chromium follows to consent at the dev IdP, and calls again.
 */
describeWithInspector('dev IdP walk-through', 'test/dev-idp-walkthrough.e2e-spec.ts', () => {
  describeWithChromium(
    'sign in through the dev IdP and call its notes API',
    'test/dev-idp-walkthrough.e2e-spec.ts',
    () => {
      let dir: string;
      let idp: ChildProcess | undefined;
      let printed = '';
      let server: ServerProcess | undefined;
      let browser: Browser | undefined;
      let context: BrowserContext;
      let inspectorEnv: Record<string, string>;
      let callbackUrl: string;
      const urls = { issuer: '', api: '', mcp: '', spa: '', idp: '', notes: '' };

      const callTool = (extra: readonly string[], onStderrLine?: (line: string) => void) =>
        runInspectorCli({
          args: [
            `${urls.mcp}/mcp`,
            ...['--method', 'tools/call', '--tool-name', TOOL, '--format', 'json'],
            ...extra,
          ],
          env: inspectorEnv,
          timeoutMs: RUN_TIMEOUT_MS,
          ...(onStderrLine ? { onStderrLine } : {}),
        });
      /** The tool's result; the CLI exits 5 (`tool_is_error`) when it is an isError one. */
      const resultOf = (run: InspectorRun): ToolResult['result'] => {
        const line = run.stdout.split('\n').find((l) => l.startsWith('{"result"'));
        if (![0, 5].includes(run.code ?? -1) || !line)
          throw new Error(`the Inspector exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
        return (JSON.parse(line) as ToolResult).result;
      };
      const onPage = async <T>(work: (page: Page) => Promise<T>): Promise<T> => {
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        try {
          return await work(page);
        } finally {
          await page.close();
        }
      };

      beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), 'dev-idp-walkthrough-'));
        const [auth, api, mcp, spa, idpPort, notesPort, callbackPort] = await freePorts(7);
        Object.assign(urls, {
          issuer: `http://localhost:${auth}`,
          api: `http://localhost:${api}`,
          mcp: `http://localhost:${mcp}`,
          spa: `http://localhost:${spa}`,
          idp: `http://localhost:${idpPort}`,
          notes: `http://localhost:${notesPort}`,
        });
        callbackUrl = `http://127.0.0.1:${callbackPort}/oauth/callback`;
        // 1. The dev IdP and its notes API.
        ({ child: idp, printed } = await startDevScript(
          'dev:upstream-idp',
          {
            UPSTREAM_IDP_PORT: String(idpPort),
            NOTES_API_PORT: String(notesPort),
            ISSUER_URL: urls.issuer,
            API_BASE_URL: urls.api,
            UPSTREAM_IDP_DIR: dir,
          },
          /npm run start:dev\n/,
        ));
        // 2. The registration, as printed, into the store the system then opens.
        const store = { SQLITE_PATH: join(dir, 'auth.sqlite') };
        const line = /npm run admin -- (idps add .*)\n/.exec(printed)![1]!;
        const registered = await runNpmScript('admin', words(line), {
          env: envWithoutStore({ NODE_ENV: 'development', ...store }),
        });
        expect(registered).toMatchObject({ code: 0, stdout: 'saved dev\n' });
        // 3. The system with the APIS_FILE it wrote (and the SPA role serving spa/dist).
        const apisFile = /APIS_FILE=(\S+) npm run start:dev\n/.exec(printed)![1]!;
        buildSpaIfStale();
        server = await startServerProcess(
          {
            ...store,
            HOST: '127.0.0.1',
            ROLES: 'auth,api,mcp,spa',
            ISSUER_URL: urls.issuer,
            API_BASE_URL: urls.api,
            MCP_BASE_URL: urls.mcp,
            SPA_URL: urls.spa,
            APIS_FILE: apisFile,
          },
          urls.mcp,
        );
        browser = await launchChromium();
        context = await browser.newContext();
        inspectorEnv = {
          HOME: dir,
          npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
          MCP_AUTO_OPEN_ENABLED: 'true',
          MCP_INSPECTOR_SECRET_STORE: 'file',
          DISPLAY: '',
          WAYLAND_DISPLAY: '',
        };
      }, 180_000);

      afterAll(async () => {
        await browser?.close();
        server?.signal('SIGTERM');
        await server?.exited();
        idp?.kill('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      }, 30_000);

      it('prints an APIS_FILE whose notes entry asks the dev IdP for notes:read', () => {
        const file = /APIS_FILE=(\S+) npm run start:dev\n/.exec(printed)![1]!;
        const { apis } = JSON.parse(readFileSync(file, 'utf8')) as {
          apis: { name: string; resource: string; auth?: unknown }[];
        };
        expect(apis.find((a) => a.name === 'notes')).toMatchObject({
          resource: urls.notes,
          auth: { provider: 'dev', scopes: ['notes:read', 'offline_access'] },
        });
        expect(printed).toContain('CONNECTED_ACCOUNTS_KEYS');
      });

      it('signs ada in to the SPA through "Continue with Dev IdP"', async () => {
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        await showingOutput(server!, async () => {
          await page.goto(urls.spa);
          await page.getByRole('button', { name: 'Sign in', exact: true }).first().click();
          await page.getByRole('button', { name: 'Continue with Dev IdP' }).click();
          await page.waitForURL((url) => url.origin === new URL(urls.idp).origin);
          await page.getByRole('button', { name: 'Ada Reader' }).click();
          // Our consent page, for the SPA, saying where she came from.
          await page.getByText('You signed in with').waitFor();
          await page.getByRole('button', { name: 'Allow' }).click();
          await page.waitForURL((url) => url.origin === new URL(urls.spa).origin);
          await page.getByText('Signed in as').waitFor();
          expect(await page.getByText('Signed in as').textContent()).toContain('Ada Reader');
        });
      }, 60_000);

      let connectUrl = '';

      it('signs the Inspector in in the same browser; the notes tool answers with a connect link', async () => {
        let signIn: Promise<number> | undefined;
        const run = await callTool(['--callback-url', callbackUrl], (line) => {
          const url = /Please navigate to: (\S+)/.exec(line)?.[1];
          if (!url) return;
          // Already signed in at the AuthServer: only its consent for the Inspector.
          signIn = onPage(async (page) => {
            await page.goto(url);
            await page.getByRole('button', { name: 'Allow' }).click();
            await page.waitForURL((u) => u.href.startsWith(callbackUrl));
            return 200;
          });
        });
        expect(await signIn).toBe(200);
        const result = resultOf(run);
        expect(result.isError).toBe(true);
        const text = result.content.map((c) => c.text ?? '').join('\n');
        connectUrl =
          result.structuredContent?.connect_url ??
          /https?:\/\/\S+\/account\/connect\/[\w-]+/.exec(text)?.[0] ??
          '';
        expect(connectUrl).toBe(`${urls.issuer}/account/connect/dev`);
      }, 150_000);

      it('connects the account at the dev IdP, and the next call returns the notes', async () => {
        await onPage(async (page) => {
          await page.goto(connectUrl);
          // Ada's session at the dev IdP is still there: only its consent page.
          await page.getByText('read your notes in the notes API').waitFor();
          await page.getByRole('button', { name: 'Allow' }).click();
          await page.waitForURL(`${urls.issuer}/account?connected=1`);
        });
        const result = resultOf(await callTool(['--stored-auth-only']));
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent?.notes?.[0]?.text).toContain('Welcome, ada');
      }, 120_000);
    },
  );
});
