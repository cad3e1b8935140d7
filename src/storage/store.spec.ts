import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { onEveryEngine, emptyPostgres, type OpenStore } from '../../test/support/auth-stores';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres';
import { describeWithPostgres } from '../../test/support/postgres-available';
import { MIGRATIONS } from './migrations';
import { PostgresAuthStore } from './postgres/postgres.store';
import { SqliteAuthStore } from './sqlite/sqlite.store';

/** What spans the concerns: expiry across every table, and each engine's own storage. */
onEveryEngine((open: OpenStore) => {
  const at = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);

  it('deleteExpired removes expired rows of every table, and only those', async () => {
    const store = await open();
    const start = Date.now();
    await store.upsert('Session', 'short', {}, 10);
    await store.upsert('Session', 'long', {}, 3600);
    await store.revokeAccessToken('jti-short', start + 10_000);
    await store.revokeGrant('grant-long', start + 3_600_000);
    await store.countAttempt('k', 10);

    at(start + 11_000);
    expect(await store.deleteExpired()).toBe(3);
    expect(await store.find('Session', 'long')).toEqual({});
    expect(await store.isRevoked('x', 'grant-long')).toBe(true);
  });
});

describe('SqliteAuthStore on disk', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('works in memory, for tests and throwaway runs', async () => {
    const store = new SqliteAuthStore(':memory:');
    try {
      await store.upsert('Session', 's1', { a: 1 }, 60);
      expect(await store.find('Session', 's1')).toEqual({ a: 1 });
    } finally {
      await store.close();
    }
  });

  it('creates its file readable by the owner only, in a folder only the owner may enter', async () => {
    const path = join(dir, 'data', 'auth.sqlite');
    const store = new SqliteAuthStore(path);
    await store.upsert('Session', 's1', { a: 1 }, 60);
    await store.close();

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
  });

  it('tightens a database file that an older version created readable by all', async () => {
    const path = join(dir, 'auth.sqlite');
    new Database(path).close();
    await new SqliteAuthStore(path).close();

    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('applies each migration once, however often it is opened', async () => {
    const path = join(dir, 'auth.sqlite');
    await new SqliteAuthStore(path).close();
    await new SqliteAuthStore(path).close();

    const db = new Database(path);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    db.close();
    expect(versions).toEqual(MIGRATIONS.map(({ version }) => ({ version })));
  });

  it('moves a database of the layout before versioned migrations into the new tables', async () => {
    const path = join(dir, 'auth.sqlite');
    const legacy = new Database(path);
    const inAnHour = Date.now() + 3_600_000;
    legacy.exec(`CREATE TABLE oidc_records (model TEXT NOT NULL, id TEXT NOT NULL,
      payload TEXT NOT NULL, grant_id TEXT, uid TEXT, user_code TEXT, expires_at INTEGER,
      PRIMARY KEY (model, id));
      CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    const insert = legacy.prepare(
      'INSERT INTO oidc_records (model, id, payload, grant_id, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    insert.run('RevokedGrant', 'g-old', '{"grantId":"g-old"}', 'g-old', inAnHour);
    insert.run('RefreshToken', 'rt-used', '{"grantId":"g1","consumed":1800000000}', 'g1', inAnHour);
    legacy.prepare('INSERT INTO server_secrets VALUES (?, ?)').run('signing-keys', 'kept');
    legacy.close();

    const store = new SqliteAuthStore(path);
    try {
      expect(await store.isRevoked('any-jti', 'g-old')).toBe(true);
      expect(await store.find('RevokedGrant', 'g-old')).toBeUndefined();
      expect(await store.consumption('RefreshToken', 'rt-used')).toEqual({
        consumedAt: 1_800_000_000_000,
        successorId: undefined,
      });
      expect(await store.getSecret('signing-keys')).toBe('kept');
    } finally {
      await store.close();
    }
  });
});

describeWithPostgres('PostgresAuthStore connections', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = (await createTestDatabase())!;
  });
  afterAll(() => db.drop());
  beforeEach(() => emptyPostgres(db.url));

  it('survives PostgreSQL terminating its idle connections (a restart or failover)', async () => {
    const store = await PostgresAuthStore.connect(db.url);
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await store.upsert('Session', 's1', { a: 1 }, 60);
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      expect(killed.rowCount).toBeGreaterThan(0);
      // Let the termination notice reach the idle pooled connection.
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(await store.find('Session', 's1')).toEqual({ a: 1 });
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('lets several processes boot on an empty database at once, migrating it once', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => PostgresAuthStore.connect(db.url)),
    );
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await stores[0]!.upsert('Session', 's1', { a: 1 }, 60);
      expect(await stores[3]!.find('Session', 's1')).toEqual({ a: 1 });
      const applied = await admin.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(applied.rows).toEqual(MIGRATIONS.map(({ version }) => ({ version })));
    } finally {
      await admin.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
