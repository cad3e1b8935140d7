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

/** The AuthStore contract for oidc-provider's records and the server's secrets. */
onEveryEngine((open: OpenStore) => {
  const at = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);

  it('upserts and finds a payload under its model and id', async () => {
    const store = await open();
    const payload = { accountId: 'alice', nested: { list: [1, 'two'], flag: true } };

    await store.upsert('Session', 's1', payload, 60);

    expect(await store.find('Session', 's1')).toEqual(payload);
    expect(await store.find('Grant', 's1')).toBeUndefined();
    expect(await store.find('Session', 's2')).toBeUndefined();
  });

  it('replaces the payload and its indexes on a second upsert', async () => {
    const store = await open();
    await store.upsert('AccessToken', 't1', { grantId: 'g-old', v: 1 }, 60);

    await store.upsert('AccessToken', 't1', { grantId: 'g-new', v: 2 }, 60);
    await store.revokeByGrantId('AccessToken', 'g-old');

    expect(await store.find('AccessToken', 't1')).toEqual({ grantId: 'g-new', v: 2 });
  });

  it('hides expired rows from every lookup, and deleteExpired removes only those', async () => {
    const store = await open();
    const now = Date.now();
    await store.upsert('DeviceCode', 'short', { uid: 'u-short', userCode: 'SHORT-CODE' }, 60);
    await store.upsert('DeviceCode', 'long', { uid: 'u-long' }, 3600);
    await store.upsert('Client', 'forever', { client_id: 'forever' });

    at(now + 61_000);
    expect(await store.find('DeviceCode', 'short')).toBeUndefined();
    expect(await store.findByUid('DeviceCode', 'u-short')).toBeUndefined();
    expect(await store.findByUserCode('DeviceCode', 'SHORT-CODE')).toBeUndefined();
    expect(await store.find('DeviceCode', 'long')).toEqual({ uid: 'u-long' });
    expect(await store.deleteExpired()).toBe(1);

    // Gone, not merely hidden: it stays away even back at a time it was valid.
    at(now);
    expect(await store.find('DeviceCode', 'short')).toBeUndefined();
    expect(await store.find('DeviceCode', 'long')).toEqual({ uid: 'u-long' });
    expect(await store.find('Client', 'forever')).toEqual({ client_id: 'forever' });
  });

  it('keeps a row without expiry forever', async () => {
    const store = await open();
    await store.upsert('Client', 'c1', { client_id: 'c1' });

    at(Date.now() + 10 * 365 * 24 * 3600 * 1000);
    expect(await store.find('Client', 'c1')).toEqual({ client_id: 'c1' });
    expect(await store.deleteExpired()).toBe(0);
  });

  it('finds by uid within the model', async () => {
    const store = await open();
    await store.upsert('Session', 's1', { uid: 'uid-1', accountId: 'alice' }, 60);

    expect(await store.findByUid('Session', 'uid-1')).toEqual({ uid: 'uid-1', accountId: 'alice' });
    expect(await store.findByUid('Interaction', 'uid-1')).toBeUndefined();
    expect(await store.findByUid('Session', 'uid-2')).toBeUndefined();
  });

  it('finds by user code within the model', async () => {
    const store = await open();
    await store.upsert('DeviceCode', 'd1', { userCode: 'ABCD-EFGH', clientId: 'tv' }, 60);

    expect(await store.findByUserCode('DeviceCode', 'ABCD-EFGH')).toEqual({
      userCode: 'ABCD-EFGH',
      clientId: 'tv',
    });
    expect(await store.findByUserCode('Session', 'ABCD-EFGH')).toBeUndefined();
    expect(await store.findByUserCode('DeviceCode', 'ZZZZ-ZZZZ')).toBeUndefined();
  });

  it('destroy removes one row only', async () => {
    const store = await open();
    await store.upsert('Session', 'x', { a: 1 }, 60);
    await store.upsert('Grant', 'x', { b: 2 }, 60);

    await store.destroy('Session', 'x');

    expect(await store.find('Session', 'x')).toBeUndefined();
    expect(await store.find('Grant', 'x')).toEqual({ b: 2 });
  });

  it("lists an account's live grants, newest first, with when their client last got tokens", async () => {
    const store = await open();
    const grant = (accountId: string, iat: number) => ({ accountId, clientId: 'c', iat });
    await store.upsert('Grant', 'g-old', grant('alice', 1_000), 60);
    await store.upsert('Grant', 'g-new', grant('alice', 2_000), 60);
    await store.upsert('Grant', 'g-bob', grant('bob', 3_000), 60);
    await store.upsert('Grant', 'g-gone', grant('alice', 4_000), -1);
    await store.upsert('AuthorizationCode', 'code', { grantId: 'g-old', iat: 1_100 }, 60);
    await store.upsert('RefreshToken', 'rt1', { grantId: 'g-old', iat: 1_200 }, 60);
    await store.upsert('RefreshToken', 'rt2', { grantId: 'g-old', iat: 1_300 }, 60);
    // An access token record is not a sign of use here (JWTs are never stored).
    await store.upsert('AccessToken', 'at', { grantId: 'g-old', iat: 9_000 }, 60);
    await store.upsert('RefreshToken', 'rt-other', { grantId: 'g-bob', iat: 5_000 }, 60);
    await store.consume('RefreshToken', 'rt2');

    const grants = await store.grantsOfAccount('alice', 10);

    expect(grants.map((g) => g.grantId)).toEqual(['g-new', 'g-old']);
    expect(grants[0]).toEqual({
      grantId: 'g-new',
      payload: grant('alice', 2_000),
      lastUsedAt: undefined,
    });
    // rt2 was consumed just now, which is later than any iat above.
    expect(grants[1]!.lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(await store.grantsOfAccount('alice', 1)).toHaveLength(1);
    expect(await store.grantsOfAccount('carol', 10)).toEqual([]);
  });

  it('dates last use by the newest code or refresh token issued when none was redeemed', async () => {
    const store = await open();
    await store.upsert('Grant', 'g', { accountId: 'alice', clientId: 'c', iat: 1_000 }, 60);
    await store.upsert('AuthorizationCode', 'code', { grantId: 'g', iat: 1_100 }, 60);
    await store.upsert('RefreshToken', 'rt', { grantId: 'g', iat: 1_300 }, 60);

    const [only] = await store.grantsOfAccount('alice', 10);

    expect(only?.lastUsedAt).toBe(1_300_000);
  });

  it('putSecretIfAbsent keeps the first value written', async () => {
    const store = await open();

    expect(await store.getSecret('signing-keys')).toBeUndefined();
    expect(await store.putSecretIfAbsent('signing-keys', 'first')).toBe('first');
    expect(await store.putSecretIfAbsent('signing-keys', 'second')).toBe('first');
    expect(await store.getSecret('signing-keys')).toBe('first');
    expect(await store.putSecretIfAbsent('cookie-keys', 'other')).toBe('other');
  });

  it('converges concurrent putSecretIfAbsent calls from several connections on one value', async () => {
    const a = await open();
    const b = await open();
    const candidates = Array.from({ length: 8 }, (_, i) => `key-${i}`);

    const winners = await Promise.all(
      candidates.map((value, i) => (i % 2 ? a : b).putSecretIfAbsent('signing-keys', value)),
    );

    expect(new Set(winners).size).toBe(1);
    expect(candidates).toContain(winners[0]);
    expect(await a.getSecret('signing-keys')).toBe(winners[0]);
    expect(await b.getSecret('signing-keys')).toBe(winners[0]);
  });

  it('lets exactly one of many concurrent replaceSecret calls from several connections win', async () => {
    const a = await open();
    const b = await open();
    await a.putSecretIfAbsent('keyset', 'base');

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).replaceSecret('keyset', 'base', `n${i}`),
      ),
    );

    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await b.getSecret('keyset')).toBe(`n${outcomes.indexOf(true)}`);
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
