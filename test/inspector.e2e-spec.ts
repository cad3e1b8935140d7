import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestBrowser } from './support/browser';
import { describeWithInspector, runInspectorCli } from './support/inspector';
import { freePorts } from './support/ports';
import { startTestSystem, TestSystem } from './support/system';

const RUN_TIMEOUT_MS = 90_000;

/** `--format json` wraps the JSON-RPC result in `{ result }`. */
interface ToolList {
  result: { tools: { name: string }[] };
}
interface ToolResult {
  result: {
    isError?: boolean;
    content: { type: string; text?: string }[];
    structuredContent?: { forecasts?: unknown[] };
  };
}

/**
 * The README's "Try it with the MCP Inspector", run as written by a terminal without a TTY:
 * the Inspector CLI prints the authorization URL, a cookie-jar browser signs in as alice on the
 * AuthServer's real pages and follows the redirect to the CLI's loopback callback, and the
 * next CLI call reuses the stored tokens instead of signing in again.
 */
describeWithInspector('MCP Inspector CLI', 'test/inspector.e2e-spec.ts', (version) => {
  let sys: TestSystem;
  let home: string;
  let callbackUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
    home = mkdtempSync(join(tmpdir(), 'inspector-home-'));
    callbackUrl = `http://127.0.0.1:${(await freePorts(1))[0]}/oauth/callback`;
    env = {
      // The Inspector keeps its state under HOME; npx keeps using the user's npm cache.
      HOME: home,
      npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
      // No TTY here: this is what lets the CLI start the sign-in at all.
      MCP_AUTO_OPEN_ENABLED: 'true',
      // No keychain here: without a file store the tokens die with each CLI process.
      MCP_INSPECTOR_SECRET_STORE: 'file',
      // No desktop to open a browser on, even on a developer's machine.
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
    };
  }, 30_000);
  afterAll(async () => {
    await sys?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it(`signs in headlessly and lists the tools (Inspector ${version})`, async () => {
    const authorizations: URL[] = [];
    let signIn: Promise<number> | undefined;
    const started = Date.now();
    const run = await runInspectorCli({
      args: [
        `${sys.urls.mcp}/mcp`,
        '--method',
        'tools/list',
        '--format',
        'json',
        '--callback-url',
        callbackUrl,
      ],
      env,
      timeoutMs: RUN_TIMEOUT_MS,
      onStderrLine: (line) => {
        const url = /Please navigate to: (\S+)/.exec(line)?.[1];
        if (!url) return;
        authorizations.push(new URL(url));
        signIn = new TestBrowser()
          .authorize(url, { redirectUri: callbackUrl })
          .then((callback) => fetch(callback))
          .then((delivered) => delivered.status);
      },
    });
    process.stderr.write(`Inspector tools/list with sign-in: ${Date.now() - started} ms\n`);

    expect(run.stderr).not.toContain('auth_required');
    expect(run.code).toBe(0);
    expect(await signIn).toBe(200);
    expect(authorizations).toHaveLength(1);
    const request = authorizations[0]!.searchParams;
    expect(authorizations[0]!.origin).toBe(sys.urls.issuer);
    expect(request.get('redirect_uri')).toBe(callbackUrl);
    expect(request.get('resource')).toBe(`${sys.urls.mcp}/mcp`);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('scope')?.split(' ')).toContain('weatherget');

    const names = (JSON.parse(run.stdout) as ToolList).result.tools.map((t) => t.name).sort();
    expect(names).toEqual([
      'get-server-info',
      'get-weather-forecast',
      'get-weather-summaries',
      'who-am-i',
    ]);
  });

  it('calls the weather tool on the stored sign-in, without a second one', async () => {
    const started = Date.now();
    const run = await runInspectorCli({
      args: [
        `${sys.urls.mcp}/mcp`,
        ...['--method', 'tools/call', '--tool-name', 'get-weather-forecast', '--format', 'json'],
        // Fails with auth_required rather than starting a sign-in nobody would finish.
        '--stored-auth-only',
      ],
      env,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    process.stderr.write(`Inspector tools/call on stored tokens: ${Date.now() - started} ms\n`);

    expect(run.stderr).not.toContain('Please navigate to');
    expect(run.code).toBe(0);
    const { result } = JSON.parse(run.stdout) as ToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent?.forecasts).toHaveLength(5);
    // The tool comes from the API's OpenAPI document: its text is the API's JSON answer.
    expect(JSON.parse(result.content[0]?.text ?? '')).toEqual(result.structuredContent?.forecasts);
  });
});
