// The system under soak: dist/main.js in its own process, all roles, on free ports, with its
// metrics listener on and (for --store postgres) a database of its own.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

async function createDatabase() {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await admin.connect();
  const name = `soak_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return { name, url: url.href };
}

async function dropDatabase(name) {
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

/**
 * Starts the system; resolves once every role answers /health. `connections()` counts the
 * database's open connections (undefined on SQLite, whose connections are in the process).
 */
export async function startSystem({ store }) {
  const [auth, api, mcp, spa, metrics] = await Promise.all(Array.from({ length: 5 }, freePort));
  const dir = mkdtempSync(join(tmpdir(), 'soak-'));
  const db = store === 'postgres' ? await createDatabase() : undefined;
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ISSUER_URL: `http://localhost:${auth}`,
    API_BASE_URL: `http://localhost:${api}`,
    MCP_BASE_URL: `http://localhost:${mcp}`,
    SPA_URL: `http://localhost:${spa}`,
    SQLITE_PATH: join(dir, 'auth.sqlite'),
    METRICS_PORT: String(metrics),
    // The mid-run rotation's key must sign within the run, not 15 minutes later.
    KEY_ACTIVATION_DELAY_SECONDS: '10',
    // Registrations arrive through a proxy on loopback, from many addresses (mix.mjs).
    TRUST_PROXY: '127.0.0.1,::1',
    ...(db ? { DATABASE_URL: db.url } : {}),
  };
  const child = spawn(process.execPath, ['dist/main.js'], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const urls = { auth: env.ISSUER_URL, api: env.API_BASE_URL, mcp: env.MCP_BASE_URL, spa: env.SPA_URL };
  const cleanUp = async () => {
    rmSync(dir, { recursive: true, force: true });
    if (db) await dropDatabase(db.name);
  };
  const started = performance.now();
  for (;;) {
    const up = await Promise.all(Object.values(urls).map((u) => fetch(`${u}/health`).then((r) => r.ok, () => false)));
    if (up.every(Boolean)) break;
    if (child.exitCode !== null || performance.now() - started > 90_000) {
      child.kill('SIGKILL');
      await cleanUp();
      throw new Error('the system did not start');
    }
    await delay(100);
  }
  return {
    env,
    urls,
    pid: child.pid,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    /** The exit code or signal once the process has ended, else undefined. */
    exitedWith: () => child.exitCode ?? child.signalCode ?? undefined,
    connections: db ? () => countConnections(db.name) : async () => undefined,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await cleanUp();
    },
  };
}

async function countConnections(name) {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    return rows[0].n;
  } finally {
    await admin.end();
  }
}
