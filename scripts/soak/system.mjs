// The system under soak: dist/main.js in its own process, all roles, on free ports, with its
// metrics listener on, the deployment's memory settings and (for --store postgres) a database
// of its own.
import pg from 'pg';
import { freePort, startSystem as startDistSystem } from '../lib/system-process.mjs';

const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function createDatabase() {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await admin.connect();
  const name = `soak_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  // Without autovacuum, every refresh and consumed code leaves dead row versions behind in the
  // oidc-provider records table, and lookups slow down over the hours: a long run on such a
  // server measures that configuration, not a deployment's. The soak reports the setting.
  const { rows } = await admin.query(
    `SELECT current_setting('autovacuum') AS autovacuum, version() AS version`,
  );
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    server: { autovacuum: rows[0].autovacuum === 'on', version: rows[0].version },
  };
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
  const metrics = await freePort();
  const db = store === 'postgres' ? await createDatabase() : undefined;
  const dropOwnDatabase = async () => {
    if (db) await dropDatabase(db.name);
  };
  let system;
  try {
    system = await startDistSystem({
      prefix: 'soak-',
      stdout: 'inherit',
      healthIntervalMs: 100,
      extraEnv: {
        METRICS_PORT: String(metrics),
        // The mid-run rotation's key must sign within the run, not 15 minutes later.
        KEY_ACTIVATION_DELAY_SECONDS: '10',
        // Registrations arrive through a proxy on loopback, from many addresses (mix.mjs).
        TRUST_PROXY: '127.0.0.1,::1',
        ...(db ? { DATABASE_URL: db.url } : {}),
      },
    });
  } catch (error) {
    await dropOwnDatabase();
    throw new Error('the system did not start', { cause: error });
  }
  return {
    env: system.env,
    urls: system.urls,
    /** For --store postgres: the server's version and whether autovacuum is on. */
    database: db?.server,
    pid: system.pid,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    /** The exit code or signal once the process has ended, else undefined. */
    exitedWith: system.exitedWith,
    connections: db ? () => countConnections(db.name) : async () => undefined,
    stop: async () => {
      await system.stop();
      await dropOwnDatabase();
    },
  };
}

async function countConnections(name) {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}
