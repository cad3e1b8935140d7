// `npm run replicas`: distributed mode on one machine without Docker. Two AuthServer replicas
// (one public issuer, ports AUTH_PORT and REPLICA_PORT), the API, the MCP server and the SPA
// host, each its own OS process of the built server, sharing one PostgreSQL database.
// Ctrl-C (or SIGTERM) stops them all gracefully; a second Ctrl-C stops them at once.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/api_mcp_auth';
const REPLICA_PORT = process.env.REPLICA_PORT ?? '5011';
const MAIN = new URL('../dist/main.js', import.meta.url).pathname;

if (!existsSync(MAIN)) {
  process.stderr.write('dist/main.js is missing: run `npm run build` first\n');
  process.exit(1);
}
await ensureDatabase(DATABASE_URL);

const processes = [
  // The first AuthServer migrates the schema and creates the signing key; the rest wait for it.
  { name: 'auth-1', env: { ROLES: 'auth' } },
  { name: 'auth-2', env: { ROLES: 'auth', AUTH_PORT: REPLICA_PORT } },
  { name: 'api', env: { ROLES: 'api' } },
  { name: 'mcp', env: { ROLES: 'mcp' } },
  { name: 'spa', env: { ROLES: 'spa' } },
];
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
  for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line) out.write(`[${name}] ${line}\n`);
    });
  }
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  children.push({ name, child, exited });
  return exited;
}

async function waitForHealth(url) {
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become healthy in 30 s`);
}

async function stop(signal) {
  stopping += 1;
  if (stopping > 1) signal = 'SIGKILL';
  for (const { child } of children) child.kill(signal);
  const codes = await Promise.all(children.map(({ exited }) => exited));
  process.exit(codes.every((code) => code === 0) ? 0 : 1);
}
process.on('SIGINT', () => void stop('SIGTERM'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const issuer = process.env.ISSUER_URL ?? 'http://localhost:5001';
start(processes[0]);
await waitForHealth(issuer);
for (const proc of processes.slice(1)) start(proc);
await waitForHealth(`http://127.0.0.1:${REPLICA_PORT}`);
process.stdout.write(
  `replicas ready: AuthServer ${issuer} and http://127.0.0.1:${REPLICA_PORT} (one issuer, ` +
    `one database: ${new URL(DATABASE_URL).pathname.slice(1)}), API, MCP and SPA on their ` +
    'usual ports. Ctrl-C stops them all.\n',
);

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
