import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** The built server (dist/main.js) as an operator runs it: its own OS process. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** What the process wrote so far: its logs (warn and above by default) and start-up failures. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited(): Promise<number | string>;
  signal(signal: NodeJS.Signals): void;
}

/** Spawns dist/main.js with `env` and waits until `healthUrl`/health answers 200. */
export async function startServerProcess(
  env: Record<string, string>,
  healthUrl: string,
): Promise<ServerProcess> {
  if (!existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const server: ServerProcess = {
    child,
    output: () => output,
    exited: () => exit,
    signal: (signal) => void child.kill(signal),
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited at start: ${output}`);
    const up = await fetch(`${healthUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start within 30 s: ${output}`);
}

/**
 * Runs `check` against a server process; when it fails, the process's whole output (a cluster's
 * primary and every worker write to it) and its exit code, if it has exited, go to stderr
 * first, so a rare failure in CI carries the evidence of its cause.
 */
export async function showingOutput<T>(server: ServerProcess, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const exit = server.child.exitCode ?? server.child.signalCode ?? 'still running';
    process.stderr.write(
      `\n--- output of server process ${server.child.pid} (exit: ${exit}) ---\n` +
        `${server.output()}\n--- end of output ---\n`,
    );
    throw error;
  }
}
