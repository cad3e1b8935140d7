// dist/main.js started for a load run (bench, soak): the four roles on free loopback ports with
// a SQLite file of their own, waited for until every role answers /health.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The memory settings the Dockerfile and `npm run start:prod` run with (README "Memory"), so
 * that the bench and the soak measure what a deployment runs; the caller's own environment
 * takes precedence.
 */
export const RUNTIME_ENV = {
  NODE_OPTIONS: '--max-semi-space-size=16 --max-old-space-size=1024',
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/**
 * The environment of a system on four new free ports, its SQLite file in a new folder under
 * `prefix` (`dir`, for the caller to remove), and the roles' origins.
 */
export async function systemOnFreePorts(prefix) {
  const [auth, api, mcp, spa] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ISSUER_URL: `http://localhost:${auth}`,
    API_BASE_URL: `http://localhost:${api}`,
    MCP_BASE_URL: `http://localhost:${mcp}`,
    SPA_URL: `http://localhost:${spa}`,
    SQLITE_PATH: join(dir, 'auth.sqlite'),
  };
  const urls = {
    auth: env.ISSUER_URL,
    api: env.API_BASE_URL,
    mcp: env.MCP_BASE_URL,
    spa: env.SPA_URL,
  };
  return { env, urls, dir };
}

/** Resolves with the milliseconds until every one of `urls` answered /health. */
export async function waitHealthy(urls, child, { limitMs = 90_000, intervalMs = 20 } = {}) {
  const started = performance.now();
  for (;;) {
    const up = await Promise.all(
      urls.map((u) =>
        fetch(`${u}/health`).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    if (up.every(Boolean)) return performance.now() - started;
    if (child.exitCode !== null) throw new Error('server exited during start-up');
    if (performance.now() - started > limitMs) throw new Error(`not healthy after ${limitMs} ms`);
    await delay(intervalMs);
  }
}

/**
 * dist/main.js of `cwd` (this checkout by default) on systemOnFreePorts(prefix) with `extraEnv`,
 * under `runtime` (RUNTIME_ENV, or {} for V8's and glibc's defaults), waited for until healthy
 * (asked every `healthIntervalMs`). Its stderr is ours, its stdout too when `stdout` is 'inherit'.
 * `stop` ends it and removes its folder; a start that fails does both before it throws.
 * `exitedWith` is its exit code or signal once it has ended, else undefined.
 */
export async function startSystem({
  prefix,
  extraEnv = {},
  runtime = RUNTIME_ENV,
  cwd,
  stdout = 'ignore',
  healthIntervalMs,
}) {
  const { env: base, urls, dir } = await systemOnFreePorts(prefix);
  const env = { ...base, ...extraEnv };
  const child = spawn(process.execPath, ['dist/main.js'], {
    ...(cwd ? { cwd } : {}),
    env: { ...runtime, ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const startupMs = await waitHealthy(Object.values(urls), child, {
    intervalMs: healthIntervalMs,
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  const exitedWith = () => child.exitCode ?? child.signalCode ?? undefined;
  return { env, urls, startupMs, pid: child.pid, exitedWith, stop };
}

/** SIGTERM, resolving once the process has ended (at once when it already has). */
export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The development seed machine client's Basic credentials, for client credentials at /connect/token. */
export const M2M_AUTHORIZATION =
  'Basic ' + Buffer.from('m2m.client:511536EF-F270-4058-80CA-1C89C192F69A').toString('base64');

/** CPU seconds a process has used so far, all its threads (utime + stime, /proc/<pid>/stat). */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
