import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres';
import { describeWithPostgres } from '../../test/support/postgres-available';
import { PostgresAuthStore } from './postgres/postgres.store';
import { RevocationFeed, REVOCATION_FAIL_CLOSED_AFTER_MS } from './revocation-feed';
import { RevocationList } from './revocation-list';
import { SqliteAuthStore } from './sqlite/sqlite.store';
import type { AuthStore } from './store';

const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

/** Milliseconds until `feed` reports the token revoked; fails after `limitMs`. */
async function msUntilRevoked(feed: RevocationFeed, jti: string, limitMs = 3_000): Promise<number> {
  const started = Date.now();
  while (!(await feed.isRevoked(jti))) {
    if (Date.now() - started > limitMs) throw new Error(`${jti} not revoked after ${limitMs} ms`);
    await delay(5);
  }
  return Date.now() - started;
}

describe('RevocationFeed on SQLite', () => {
  let dir: string;
  let stores: SqliteAuthStore[];
  let feed: RevocationFeed;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'feed-'));
    const path = join(dir, 'auth.sqlite');
    stores = [new SqliteAuthStore(path), new SqliteAuthStore(path)];
    await new RevocationList(stores[0]!).revoke('revoked-before-start', inFiveMinutes());
    feed = await RevocationFeed.open(stores[0]!);
  });
  afterAll(async () => {
    await feed.close();
    await Promise.all(stores.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with what was revoked before it', async () => {
    expect(await feed.isRevoked('revoked-before-start')).toBe(true);
    expect(await feed.isRevoked('never-revoked')).toBe(false);
  });

  it('knows at once of a revocation in its own process, by jti and by grant', async () => {
    const list = new RevocationList(stores[0]!);
    await list.revoke('same-process', inFiveMinutes());
    await list.revokeGrant('grant-1', inFiveMinutes());

    expect(await feed.isRevoked('same-process')).toBe(true);
    expect(await feed.isRevoked('any-jti', 'grant-1')).toBe(true);
  });

  it('learns within 1 s of a revocation written by another process sharing the file', async () => {
    await new RevocationList(stores[1]!).revoke('other-process', inFiveMinutes());
    expect(await msUntilRevoked(feed, 'other-process')).toBeLessThan(1_000);
  });

  it('forgets a revocation once the token could not be accepted anyway', async () => {
    await stores[0]!.revokeAccessToken('short', Date.now() + 50);
    expect(await feed.isRevoked('short')).toBe(true);
    await delay(80);
    expect(await feed.isRevoked('short')).toBe(false);
  });
});

/** A TCP relay to PostgreSQL that the test can cut and restore, as a network fault would. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  static async start(): Promise<Relay> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const relay = new Relay(port);
    await relay.up();
    return relay;
  }

  up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(5432, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

describeWithPostgres('RevocationFeed on PostgreSQL (LISTEN/NOTIFY)', () => {
  let db: TestDatabase;
  let writer: AuthStore;
  let reader: AuthStore;
  let feed: RevocationFeed;

  beforeAll(async () => {
    db = (await createTestDatabase())!;
    writer = await PostgresAuthStore.connect(db.url);
    reader = await PostgresAuthStore.connect(db.url);
    feed = await RevocationFeed.open(reader);
  });
  afterAll(async () => {
    await feed?.close();
    await reader?.close();
    await writer?.close();
    await db?.drop();
  });

  it('hears of another connection’s revocation well within 1 s, by jti and by grant', async () => {
    const list = new RevocationList(writer);
    await list.revoke('pg-jti', inFiveMinutes());
    expect(await msUntilRevoked(feed, 'pg-jti')).toBeLessThan(1_000);

    await list.revokeGrant('pg-grant', inFiveMinutes());
    const started = Date.now();
    while (!(await feed.isRevoked('x', 'pg-grant'))) await delay(5);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails closed when its listener is cut off, and catches up on what it missed once back', async () => {
    const relay = await Relay.start();
    const url = new URL(db.url);
    url.host = `127.0.0.1:${relay.port}`;
    const relayed = await PostgresAuthStore.connect(url.toString());
    const cut = await RevocationFeed.open(relayed);
    try {
      expect(await cut.isRevoked('missed-while-down')).toBe(false);

      await relay.down();
      await new RevocationList(writer).revoke('missed-while-down', inFiveMinutes());
      await delay(REVOCATION_FAIL_CLOSED_AFTER_MS + 300);
      await expect(cut.isRevoked('missed-while-down')).rejects.toMatchObject({
        name: 'RevocationUnavailable',
      });

      await relay.up();
      const started = Date.now();
      let answer: boolean | undefined;
      while (answer === undefined && Date.now() - started < 5_000) {
        answer = await cut.isRevoked('missed-while-down').catch(() => undefined);
        if (answer === undefined) await delay(20);
      }
      // The notification was lost with the connection; the read after reconnecting found it.
      expect(answer).toBe(true);
    } finally {
      await cut.close();
      await relayed.close().catch(() => undefined);
      await relay.down().catch(() => undefined);
    }
  });
});
