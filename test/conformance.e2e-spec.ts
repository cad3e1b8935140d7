import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestBrowser } from './support/browser';
import { freePorts } from './support/ports';
import { startTestSystem, TestSystem } from './support/system';
import { registered } from './security/attack';
import { proves } from './support/proves';

const PACKAGE = '@modelcontextprotocol/conformance';
/** The pinned devDependency's entry point (its `conformance` bin), if it is installed. */
const CLI = ((): string | undefined => {
  try {
    return require.resolve(`${PACKAGE}/dist/index.js`);
  } catch {
    return undefined;
  }
})();
const RUN_TIMEOUT_MS = 90_000;
/** The suite needs Node >= 22 (its own dependencies do); CI runs Node 24. */
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

interface Check {
  readonly id: string;
  readonly name: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  readonly errorMessage?: string;
}

interface CliRun {
  readonly code: number | null;
  readonly output: string;
}

/**
 * The MCP conformance suite's `authorization` command (0.2 line) against our AuthServer: its
 * metadata scenario, and its authorization-code-grant scenario, which prints an authorization
 * URL, waits on its loopback callback and redeems the code. A cookie-jar browser plays the
 * user (alice) on the AuthServer's real pages. Every scenario must pass; the CLI's output is
 * printed when one does not.
 */
describe('MCP conformance suite: authorization', () => {
  if (NODE_MAJOR < 22) {
    it('needs Node >= 22', () => {
      throw new Error(
        `@modelcontextprotocol/conformance needs Node >= 22, this is ${process.version}`,
      );
    });
    return;
  }
  if (!CLI) {
    it(`needs ${PACKAGE} (a devDependency)`, () => {
      throw new Error(`${PACKAGE} is not installed: run npm ci (package.json pins its version)`);
    });
    return;
  }
  const cli = CLI;

  let sys: TestSystem;
  let outputDir: string;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth' } });
    outputDir = mkdtempSync(join(tmpdir(), 'conformance-'));
  });
  afterAll(async () => {
    await sys?.close();
    if (outputDir) rmSync(outputDir, { recursive: true, force: true });
  });

  it('passes every scenario', async () => {
    proves('mcp-auth-2026-07-28/as/metadata');
    const [port] = await freePorts(1);
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    // A public client of the kind an MCP client registers (RFC 7591), with the CLI's callback.
    const client = await registered(sys, {
      client_name: 'MCP conformance suite',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
    });

    const signIns: Promise<void>[] = [];
    const run = await runCli(
      cli,
      [
        'authorization',
        '--url',
        sys.urls.issuer,
        '--client-id',
        client.client_id,
        '--resource',
        `${sys.urls.mcp}/mcp`,
        '--port',
        String(port),
        '--output-dir',
        outputDir,
      ],
      (line) => {
        if (!line.startsWith(`${sys.urls.issuer}/connect/authorize?`)) return;
        signIns.push(signInAndDeliver(line, redirectUri));
      },
    );
    await Promise.all(signIns);

    const checks = readChecks(outputDir);
    const failing = checks.filter((c) => c.status === 'FAILURE' || c.status === 'SKIPPED');
    if (run.code !== 0 || failing.length > 0 || checks.length === 0) {
      throw new Error(
        `conformance exited ${String(run.code)}; not passing: ${JSON.stringify(failing, null, 2)}\n` +
          `--- CLI output ---\n${run.output}`,
      );
    }
    expect(signIns).toHaveLength(1);
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['authorization-server-metadata', 'authorization-code-grant']),
    );
  }, 120_000);

  /** The user's part: sign in and consent, then let the browser reach the CLI's callback. */
  async function signInAndDeliver(authorizationUrl: string, redirectUri: string): Promise<void> {
    const callback = await new TestBrowser().authorize(authorizationUrl, { redirectUri });
    const delivered = await fetch(callback);
    expect(delivered.status).toBe(200);
  }
});

/** Runs the CLI on this Node, line by line, killed (its process group) when it overstays. */
function runCli(
  cli: string,
  args: readonly string[],
  onLine: (line: string) => void,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    let pending = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.trim());
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${RUN_TIMEOUT_MS} ms]`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Every check the CLI saved (`--output-dir`: one checks.json per scenario). */
function readChecks(dir: string): Check[] {
  const found: Check[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'checks.json')
        found.push(...(JSON.parse(readFileSync(full, 'utf8')) as Check[]));
    }
  };
  walk(dir);
  return found;
}
