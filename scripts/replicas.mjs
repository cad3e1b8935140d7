// `npm run replicas`: distributed mode on one machine without Docker. Two AuthServer replicas
// (one public issuer, ports AUTH_PORT and REPLICA_PORT), the API, the MCP server and the SPA
// host, each its own OS process of the built server, sharing one PostgreSQL database.
// Ctrl-C (or SIGTERM) stops them all gracefully; a second Ctrl-C stops them at once. One that
// exits by itself (it could not start: a port taken, a setting refused) stops the rest too, and
// is named: half a system that looks up is harder to debug than none.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { prefixOutput } from './lib/child-output.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/api_mcp_auth';
const REPLICA_PORT = process.env.REPLICA_PORT ?? '5011';
const MAIN = new URL('../dist/main.js', import.meta.url).pathname;

if (!existsSync(MAIN)) {
  process.stderr.write('dist/main.js is missing: run `npm run build` first\n');
  process.exit(1);
}
await ensureDatabase(DATABASE_URL);

const issuer = process.env.ISSUER_URL ?? 'http://localhost:5001';
const processes = [
  // The first AuthServer migrates the schema and creates the signing key; the rest wait for it.
  { name: 'auth-1', env: { ROLES: 'auth' }, url: issuer },
  {
    name: 'auth-2',
    env: { ROLES: 'auth', AUTH_PORT: REPLICA_PORT },
    url: `http://127.0.0.1:${REPLICA_PORT}`,
  },
  { name: 'api', env: { ROLES: 'api' }, url: process.env.API_BASE_URL ?? 'http://localhost:5000' },
  { name: 'mcp', env: { ROLES: 'mcp' }, url: process.env.MCP_BASE_URL ?? 'http://localhost:8010' },
  { name: 'spa', env: { ROLES: 'spa' }, url: process.env.SPA_URL ?? 'http://localhost:5173' },
];
// Five processes on one machine cannot share a metrics listener, and each reads .env, where a
// METRICS_PORT would give them all the same one: each is told its own, or `off`. A METRICS_PORT
// here is the first of five consecutive ports (0: each any free port).
const METRICS_PORT = process.env.METRICS_PORT ?? 'off';
const metricsOff = /^off$/i.test(METRICS_PORT);
processes.forEach((proc, index) => {
  // Anything but a port number is passed on as it is, for the servers to accept (off, 0) or refuse.
  const base = /^\d+$/.test(METRICS_PORT) ? Number(METRICS_PORT) : 0;
  proc.env.METRICS_PORT = base ? String(base + index) : METRICS_PORT;
});

const children = [];
let stopping = 0;

function start({ name, env }) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL, LOG_FORMAT: process.env.LOG_FORMAT ?? 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only this script, which then sends each
    // server one SIGTERM (a second signal would make a server skip its graceful stop).
    detached: true,
  });
  prefixOutput(child, `[${name}] `, { skipEmpty: true });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} exited with ${signal ?? `code ${code}`}: stopping the others\n`);
    void stop('SIGTERM', 1);
  });
  children.push({ name, child, exited });
  return exited;
}

async function waitForHealth({ name, url }) {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} (${url}) did not become healthy in 30 s`);
}

/** Stops every server; exits 1 if any failed or `failed` is set (a server that failed to start). */
async function stop(signal, failed = 0) {
  stopping += 1;
  if (stopping > 1) signal = 'SIGKILL';
  for (const { child } of children) if (child.exitCode === null) child.kill(signal);
  const codes = await Promise.all(children.map(({ exited }) => exited));
  process.exit(!failed && codes.every((code) => code === 0) ? 0 : 1);
}
process.on('SIGINT', () => void stop('SIGTERM'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  start(processes[0]);
  await waitForHealth(processes[0]);
  for (const proc of processes.slice(1)) start(proc);
  await Promise.all(processes.slice(1).map(waitForHealth));
} catch (error) {
  if (!stopping) {
    process.stderr.write(`${error.message}: stopping every server\n`);
    await stop('SIGTERM', 1);
  }
}
// A server that exited meanwhile is stopping the rest: then nothing is ready.
if (!stopping) {
  const metrics = metricsOff
    ? ''
    : ` Metrics: ${processes.map(({ name, env }) => `${name} :${env.METRICS_PORT}`).join(', ')}.`;
  process.stdout.write(
    `replicas ready: AuthServer ${issuer} and http://127.0.0.1:${REPLICA_PORT} (one issuer, ` +
      `one database: ${new URL(DATABASE_URL).pathname.slice(1)}), API, MCP and SPA on their ` +
      `usual ports.${metrics} Ctrl-C stops them all.\n`,
  );
}

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) return; // not ours to create; the servers will say
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
