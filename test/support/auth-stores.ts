import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresAuthStore } from '../../src/storage/postgres/postgres.store';
import { SqliteAuthStore } from '../../src/storage/sqlite/sqlite.store';
import type { AuthStore } from '../../src/storage/store';
import { createTestDatabase, type TestDatabase } from './postgres';
import { describeWithPostgres } from './postgres-available';

/** Opens one more connection to the (empty, per test) storage under test. */
export type OpenStore = () => Promise<AuthStore>;

/**
 * Runs a contract suite against every engine: SQLite on a fresh file per test, PostgreSQL on
 * a database emptied per test (skipped visibly without PostgreSQL, failing under CI=true).
 * Each engine's suite gets `open`, which opens one more connection to the same storage.
 */
export function onEveryEngine(suite: (open: OpenStore) => void): void {
  describe('SqliteAuthStore', () => {
    let dir = '';
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'auth-store-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    // A file rather than :memory:, so a second connection sees the same database.
    withConnections(suite, () =>
      Promise.resolve(new SqliteAuthStore(join(dir, 'nested', 'auth.sqlite'))),
    );
  });

  describeWithPostgres('PostgresAuthStore', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = (await createTestDatabase())!;
    });
    afterAll(() => db.drop());
    // Dropping everything also covers creating the schema on first connect.
    beforeEach(() => emptyPostgres(db.url));
    withConnections(suite, () => PostgresAuthStore.connect(db.url));
  });
}

function withConnections(suite: (open: OpenStore) => void, connect: OpenStore): void {
  const opened: AuthStore[] = [];
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  suite(async () => {
    const store = await connect();
    opened.push(store);
    return store;
  });
}

export async function emptyPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `DROP TABLE IF EXISTS oidc_records, server_secrets, schema_migrations, revoked_access_tokens,
         revoked_grants, login_failures, attempt_counters, users, client_activity, trust_entries,
         dpop_proof_ids, upstream_idps, federated_identities, connected_accounts`,
    );
  } finally {
    await client.end();
  }
}
