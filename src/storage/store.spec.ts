import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres';
import { PostgresAuthStore } from './postgres.store';
import { SqliteAuthStore } from './sqlite.store';
import type { AuthStore } from './store';

/** Opens one more connection to the storage under test. */
type Connect = () => Promise<AuthStore>;

/**
 * The AuthStore contract, run against every implementation. `emptyStorage` prepares empty
 * storage for one test and returns how to connect to it, or undefined when the backend is
 * unavailable here (the backend has said so).
 */
function conformsToAuthStore(emptyStorage: () => Promise<Connect | undefined>): void {
  let connect: Connect | undefined;
  const opened: AuthStore[] = [];

  beforeEach(async () => {
    connect = await emptyStorage();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  async function open(): Promise<AuthStore | undefined> {
    if (!connect) return undefined;
    const store = await connect();
    opened.push(store);
    return store;
  }

  const at = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);

  it('upserts and finds a payload under its model and id', async () => {
    const store = await open();
    if (!store) return;
    const payload = { accountId: 'alice', nested: { list: [1, 'two'], flag: true } };

    await store.upsert('Session', 's1', payload, 60);

    expect(await store.find('Session', 's1')).toEqual(payload);
    expect(await store.find('Grant', 's1')).toBeUndefined();
    expect(await store.find('Session', 's2')).toBeUndefined();
  });

  it('replaces the payload and its indexes on a second upsert', async () => {
    const store = await open();
    if (!store) return;
    await store.upsert('AccessToken', 't1', { grantId: 'g-old', v: 1 }, 60);

    await store.upsert('AccessToken', 't1', { grantId: 'g-new', v: 2 }, 60);
    await store.revokeByGrantId('g-old');

    expect(await store.find('AccessToken', 't1')).toEqual({ grantId: 'g-new', v: 2 });
  });

  it('hides expired rows from every lookup, and deleteExpired removes only those', async () => {
    const store = await open();
    if (!store) return;
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
    if (!store) return;
    await store.upsert('Client', 'c1', { client_id: 'c1' });

    at(Date.now() + 10 * 365 * 24 * 3600 * 1000);
    expect(await store.find('Client', 'c1')).toEqual({ client_id: 'c1' });
    expect(await store.deleteExpired()).toBe(0);
  });

  it('anyExists answers for several rows at once, ignoring expired ones and other models', async () => {
    const store = await open();
    if (!store) return;
    const start = Date.now();
    await store.upsert('RevokedAccessToken', 'jti-1', { jti: 'jti-1' }, 60);
    await store.upsert('RevokedGrant', 'grant-1', { grantId: 'grant-1' }, 10);

    expect(await store.anyExists([])).toBe(false);
    expect(await store.anyExists([{ model: 'RevokedAccessToken', id: 'jti-1' }])).toBe(true);
    expect(
      await store.anyExists([
        { model: 'RevokedAccessToken', id: 'jti-2' },
        { model: 'RevokedGrant', id: 'grant-1' },
      ]),
    ).toBe(true);
    expect(await store.anyExists([{ model: 'RevokedGrant', id: 'jti-1' }])).toBe(false);
    at(start + 11_000);
    expect(await store.anyExists([{ model: 'RevokedGrant', id: 'grant-1' }])).toBe(false);
    expect(await store.anyExists([{ model: 'RevokedAccessToken', id: 'jti-1' }])).toBe(true);
  });

  it('finds by uid within the model', async () => {
    const store = await open();
    if (!store) return;
    await store.upsert('Session', 's1', { uid: 'uid-1', accountId: 'alice' }, 60);

    expect(await store.findByUid('Session', 'uid-1')).toEqual({ uid: 'uid-1', accountId: 'alice' });
    expect(await store.findByUid('Interaction', 'uid-1')).toBeUndefined();
    expect(await store.findByUid('Session', 'uid-2')).toBeUndefined();
  });

  it('finds by user code within the model', async () => {
    const store = await open();
    if (!store) return;
    await store.upsert('DeviceCode', 'd1', { userCode: 'ABCD-EFGH', clientId: 'tv' }, 60);

    expect(await store.findByUserCode('DeviceCode', 'ABCD-EFGH')).toEqual({
      userCode: 'ABCD-EFGH',
      clientId: 'tv',
    });
    expect(await store.findByUserCode('Session', 'ABCD-EFGH')).toBeUndefined();
    expect(await store.findByUserCode('DeviceCode', 'ZZZZ-ZZZZ')).toBeUndefined();
  });

  it('consume marks the stored payload consumed, in epoch seconds, keeping the rest', async () => {
    const store = await open();
    if (!store) return;
    await store.upsert('AuthorizationCode', 'code1', { grantId: 'g1', scope: 'openid' }, 60);
    await store.upsert('RefreshToken', 'code1', { grantId: 'g1' }, 60);
    const before = Math.floor(Date.now() / 1000);

    await store.consume('AuthorizationCode', 'code1');

    const consumed = await store.find('AuthorizationCode', 'code1');
    expect(consumed).toMatchObject({ grantId: 'g1', scope: 'openid' });
    expect(consumed!.consumed).toBeGreaterThanOrEqual(before);
    expect(consumed!.consumed).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(await store.find('RefreshToken', 'code1')).toEqual({ grantId: 'g1' });
  });

  it('consume keeps the first consumption time', async () => {
    const store = await open();
    if (!store) return;
    const first = Date.now();
    await store.upsert('RefreshToken', 'rt1', { grantId: 'g1' }, 3600);

    at(first);
    await store.consume('RefreshToken', 'rt1');
    at(first + 20_000);
    await store.consume('RefreshToken', 'rt1');

    // The refresh-token reuse grace window counts from the first use.
    expect((await store.find('RefreshToken', 'rt1'))!.consumed).toBe(Math.floor(first / 1000));
  });

  it('destroy removes one row only', async () => {
    const store = await open();
    if (!store) return;
    await store.upsert('Session', 'x', { a: 1 }, 60);
    await store.upsert('Grant', 'x', { b: 2 }, 60);

    await store.destroy('Session', 'x');

    expect(await store.find('Session', 'x')).toBeUndefined();
    expect(await store.find('Grant', 'x')).toEqual({ b: 2 });
  });

  it('revokeByGrantId removes every row of the grant, across models, and nothing else', async () => {
    const store = await open();
    if (!store) return;
    await store.upsert('AuthorizationCode', 'c', { grantId: 'g1' }, 60);
    await store.upsert('AccessToken', 'a', { grantId: 'g1' }, 60);
    await store.upsert('RefreshToken', 'r', { grantId: 'g1' }, 60);
    await store.upsert('RefreshToken', 'other', { grantId: 'g2' }, 60);

    await store.revokeByGrantId('g1');

    expect(await store.find('AuthorizationCode', 'c')).toBeUndefined();
    expect(await store.find('AccessToken', 'a')).toBeUndefined();
    expect(await store.find('RefreshToken', 'r')).toBeUndefined();
    expect(await store.find('RefreshToken', 'other')).toEqual({ grantId: 'g2' });
  });

  it('putSecretIfAbsent keeps the first value written', async () => {
    const store = await open();
    if (!store) return;

    expect(await store.getSecret('signing-keys')).toBeUndefined();
    expect(await store.putSecretIfAbsent('signing-keys', 'first')).toBe('first');
    expect(await store.putSecretIfAbsent('signing-keys', 'second')).toBe('first');
    expect(await store.getSecret('signing-keys')).toBe('first');
    expect(await store.putSecretIfAbsent('cookie-keys', 'other')).toBe('other');
  });

  it('shares state between connections to the same storage', async () => {
    const a = await open();
    const b = await open();
    if (!a || !b) return;

    await a.upsert('Session', 's1', { accountId: 'alice' }, 60);
    await b.consume('Session', 's1');

    expect(await a.find('Session', 's1')).toMatchObject({ accountId: 'alice' });
    expect((await a.find('Session', 's1'))!.consumed).toEqual(expect.any(Number));
  });

  it('converges concurrent putSecretIfAbsent calls from several connections on one value', async () => {
    const a = await open();
    const b = await open();
    if (!a || !b) return;
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
    if (!a || !b) return;
    await a.putSecretIfAbsent('keyset', 'base');

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).replaceSecret('keyset', 'base', `n${i}`),
      ),
    );

    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await b.getSecret('keyset')).toBe(`n${outcomes.indexOf(true)}`);
  });
}

describe('SqliteAuthStore', () => {
  let dir: string | undefined;

  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  // A file rather than :memory:, so a second connection sees the same database.
  conformsToAuthStore(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-store-'));
    const path = join(dir, 'nested', 'auth.sqlite');
    return Promise.resolve(() => Promise.resolve(new SqliteAuthStore(path)));
  });

  it('works in memory, for tests and throwaway runs', async () => {
    const store = new SqliteAuthStore(':memory:');
    try {
      await store.upsert('Session', 's1', { a: 1 }, 60);
      expect(await store.find('Session', 's1')).toEqual({ a: 1 });
    } finally {
      await store.close();
    }
  });
});

describe('PostgresAuthStore', () => {
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(() => db?.drop());

  /** Drops the tables, so each test also covers creating the schema on first connect. */
  async function emptyDatabase(url: string): Promise<void> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('DROP TABLE IF EXISTS oidc_records, server_secrets');
    } finally {
      await client.end();
    }
  }

  conformsToAuthStore(async () => {
    if (!db) return undefined;
    const { url } = db;
    await emptyDatabase(url);
    return () => PostgresAuthStore.connect(url);
  });

  it('survives PostgreSQL terminating its idle connections (a restart or failover)', async () => {
    if (!db) return;
    await emptyDatabase(db.url);
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

  it('lets several processes boot on an empty database at once', async () => {
    if (!db) return;
    await emptyDatabase(db.url);

    const stores = await Promise.all(
      Array.from({ length: 4 }, () => PostgresAuthStore.connect(db!.url)),
    );
    try {
      await stores[0]!.upsert('Session', 's1', { a: 1 }, 60);
      expect(await stores[3]!.find('Session', 's1')).toEqual({ a: 1 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
