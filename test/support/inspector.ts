import { spawn, spawnSync } from 'node:child_process';

/**
 * The README's way to run the MCP Inspector: its 2.x line needs Node >= 22.19, which the
 * `node@22` npm package brings along, whatever Node runs the tests.
 */
export const INSPECTOR_NPX = [
  '-y',
  '-p',
  'node@22',
  '-p',
  '@modelcontextprotocol/inspector@2',
  'mcp-inspector',
];
/** npx from PATH: a Node install may keep it elsewhere than next to `node`. */
const NPX = 'npx';
/** A cold npm cache downloads Node 22 and the Inspector: allow for it, but not forever. */
const INSTALL_TIMEOUT_MS = 240_000;

export interface InspectorRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Installs (or finds in npm's cache) the Inspector; its version, or why it could not. */
function inspectorVersion(): { version?: string; problem?: string } {
  const result = spawnSync(NPX, [...INSPECTOR_NPX, '--version'], {
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const version = /\d+\.\d+\.\d+/.exec(result.stdout ?? '')?.[0];
  if (result.status === 0 && version) return { version };
  return {
    problem: `npx ${INSPECTOR_NPX.join(' ')} --version ${
      result.error ? `failed: ${result.error.message}` : `exited ${String(result.status)}`
    }: ${(result.stderr ?? '').slice(-500)}`,
  };
}

/**
 * `describe` when the Inspector can be had. Without it (no registry, no Node 22) a CI run
 * fails loudly with a test that says why; a developer's run says it skipped.
 */
export function describeWithInspector(
  name: string,
  file: string,
  body: (version: string) => void,
): void {
  const { version, problem } = inspectorVersion();
  if (version) {
    describe(name, () => body(version));
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs the MCP Inspector (Node 22 from npm)', () => {
        throw new Error(`could not obtain the MCP Inspector: ${problem}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED ${file}: ${problem}`);
  describe.skip(name, () => body('none'));
}

export interface RunOptions {
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  /** Called with each line the Inspector writes to stderr. */
  readonly onStderrLine?: (line: string) => void;
}

/**
 * Runs `mcp-inspector --cli ...` without a TTY (stdin closed), as CI and agents do, and kills
 * it (its whole process group: npx, the Node 22 child) when it overstays `timeoutMs`.
 */
export function runInspectorCli(options: RunOptions): Promise<InspectorRun> {
  const child = spawn(NPX, [...INSPECTOR_NPX, '--cli', ...options.args], {
    env: { ...process.env, npm_config_update_notifier: 'false', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onStderrLine?.(line);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`the Inspector did not finish in ${options.timeoutMs} ms:\n${stderr}`));
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
