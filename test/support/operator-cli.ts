import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  /** The working directory, whose `.env` the command reads; the repository by default. */
  readonly cwd?: string;
  /** The whole environment of the command (not merged with the test's). */
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: string;
}

/**
 * `npm run <script> -- <args>` as package.json spells the script (`node <file> <words>`), run
 * without npm itself, so a test drives exactly the command line an operator's alias runs.
 */
export function runNpmScript(
  script: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandRun> {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string | undefined>;
  };
  const [command, file, ...words] = scripts[script]?.split(' ') ?? [];
  if (command !== 'node' || !file) throw new Error(`npm run ${script} is not "node <file> …"`);
  return runNode([join(ROOT, file), ...words, ...args], options);
}

/** `node <args>` with piped stdin, once it has exited. */
export function runNode(
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandRun> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The test's environment without the variables that choose a store, so `.env` decides. */
export function envWithoutStore(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, SQLITE_PATH: _path, ...rest } = process.env;
  return { ...rest, ...extra };
}
