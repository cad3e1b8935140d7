import Database from 'better-sqlite3';
import { prepareDataFile } from './data-files';
import { enterWalMode } from './sqlite.wal';
import { CREATE_MIGRATIONS_TABLE, MIGRATIONS, statementFor } from './migrations';
import { SqliteAccountStore } from './sqlite.accounts';
import { SqliteFederationStore } from './sqlite.federation';
import { Revocation, RevocationListener, RevocationWatch } from './revocation-events';
import { SQLITE } from './sqlite.statements';
import {
  AccountGrant,
  accountGrant,
  AccountGrantRow,
  AuthStore,
  Consumption,
  expiryFrom,
  AttemptCount,
  stringOrNull,
  withConsumed,
} from './store';

/** Another process's revocation reaches this one's resource servers within this (< 1 s). */
const SQLITE_CATCH_UP_MS = 300;

/** How long a statement waits for another process's lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

interface RecordRow {
  payload: string;
  consumed_at: number | null;
}

/**
 * Embedded default: one file, WAL mode so separate processes on one machine can share it.
 * better-sqlite3 is synchronous, and every write is one statement, so each is atomic across
 * processes too (SQLite's file lock serialises writers).
 */
export class SqliteAuthStore implements AuthStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  readonly accounts: SqliteAccountStore;
  readonly federation: SqliteFederationStore;
  private readonly listeners = new Set<RevocationListener>();

  constructor(path: string) {
    if (path !== ':memory:') prepareDataFile(path);
    this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    enterWalMode(this.db);
    this.migrate();
    this.accounts = new SqliteAccountStore(
      (text) => this.sql(text),
      (work) => this.db.transaction(work)(),
    );
    this.federation = new SqliteFederationStore((text) => this.sql(text));
  }

  upsert(model: string, id: string, payload: Record<string, unknown>, expiresIn?: number) {
    this.sql(SQLITE.upsert).run(
      model,
      id,
      JSON.stringify(payload),
      stringOrNull(payload.grantId),
      stringOrNull(payload.uid),
      stringOrNull(payload.userCode),
      expiryFrom(expiresIn),
    );
    return Promise.resolve();
  }

  find(model: string, id: string) {
    return this.one(SQLITE.findById, model, id);
  }

  findByUid(model: string, uid: string) {
    return this.one(SQLITE.findByUid, model, uid);
  }

  findByUserCode(model: string, userCode: string) {
    return this.one(SQLITE.findByUserCode, model, userCode);
  }

  consume(model: string, id: string): Promise<boolean> {
    const now = Date.now();
    return Promise.resolve(this.sql(SQLITE.consume).run(now, model, id, now).changes === 1);
  }

  consumption(model: string, id: string): Promise<Consumption | undefined> {
    const row = this.sql(SQLITE.consumption).get(model, id, Date.now()) as
      { consumed_at: number; successor_id: string | null } | undefined;
    return Promise.resolve(
      row && { consumedAt: row.consumed_at, successorId: row.successor_id ?? undefined },
    );
  }

  recordSuccessor(model: string, id: string, successorId: string): Promise<boolean> {
    return Promise.resolve(
      this.sql(SQLITE.recordSuccessor).run(successorId, model, id).changes === 1,
    );
  }

  releaseConsumption(model: string, id: string, consumedAt: number): Promise<boolean> {
    const result = this.sql(SQLITE.releaseConsumption).run(model, id, consumedAt);
    return Promise.resolve(result.changes === 1);
  }

  destroy(model: string, id: string): Promise<void> {
    this.sql(SQLITE.destroy).run(model, id);
    return Promise.resolve();
  }

  revokeByGrantId(model: string, grantId: string): Promise<void> {
    this.sql(SQLITE.revokeByGrantId).run(model, grantId);
    return Promise.resolve();
  }

  grantsOfAccount(accountId: string, limit: number): Promise<AccountGrant[]> {
    const rows = this.sql(SQLITE.grantsOfAccount).all(
      accountId,
      Date.now(),
      limit,
    ) as AccountGrantRow[];
    return Promise.resolve(rows.map(accountGrant));
  }

  revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    this.sql(SQLITE.revokeAccessToken).run(jti, expiresAt);
    this.tell({ kind: 'token', id: jti, expiresAt });
    return Promise.resolve();
  }

  revokeGrant(grantId: string, expiresAt: number): Promise<void> {
    this.sql(SQLITE.revokeGrant).run(grantId, expiresAt);
    this.tell({ kind: 'grant', id: grantId, expiresAt });
    return Promise.resolve();
  }

  isRevoked(jti: string, grantId: string | undefined): Promise<boolean> {
    const now = Date.now();
    // A grant id never equals '' in oidc-provider, so '' matches no grant.
    const row = this.sql(SQLITE.isRevoked).get(jti, now, grantId ?? '', now);
    return Promise.resolve(row !== undefined);
  }

  liveRevocations(): Promise<Revocation[]> {
    const now = Date.now();
    const rows = this.sql(SQLITE.liveRevocations).all(now, now) as {
      kind: Revocation['kind'];
      id: string;
      expires_at: number;
    }[];
    return Promise.resolve(rows.map((r) => ({ kind: r.kind, id: r.id, expiresAt: r.expires_at })));
  }

  /**
   * In this process every write is told at once; another process sharing the file is only seen
   * by reading the list again, hence the short catch-up period.
   */
  watchRevocations(listener: RevocationListener): Promise<RevocationWatch> {
    this.listeners.add(listener);
    return Promise.resolve({
      confirmedAt: () => Date.now(),
      catchUpEveryMs: SQLITE_CATCH_UP_MS,
      close: () => {
        this.listeners.delete(listener);
        return Promise.resolve();
      },
    });
  }

  countAttempt(key: string, windowSeconds: number): Promise<AttemptCount> {
    const now = Date.now();
    const row = this.sql(SQLITE.countAttempt).get(key, now, now + windowSeconds * 1000) as {
      count: number;
      first_at: number;
    };
    return Promise.resolve({ count: row.count, firstAt: row.first_at });
  }

  uncountAttempt(key: string): Promise<void> {
    this.sql(SQLITE.uncountAttempt).run(key);
    return Promise.resolve();
  }

  putSecretIfAbsent(name: string, value: string): Promise<string> {
    this.sql(SQLITE.putSecret).run(name, value);
    const row = this.sql(SQLITE.getSecret).get(name) as { value: string };
    return Promise.resolve(row.value);
  }

  getSecret(name: string): Promise<string | undefined> {
    const row = this.sql(SQLITE.getSecret).get(name) as { value: string } | undefined;
    return Promise.resolve(row?.value);
  }

  replaceSecret(name: string, expected: string, next: string): Promise<boolean> {
    const result = this.sql('UPDATE server_secrets SET value = ? WHERE name = ? AND value = ?').run(
      next,
      name,
      expected,
    );
    return Promise.resolve(result.changes === 1);
  }

  deleteExpired(): Promise<number> {
    const now = Date.now();
    const removed = this.db.transaction(() =>
      SQLITE.deleteExpired.reduce((sum, text) => sum + this.sql(text).run(now).changes, 0),
    )();
    return Promise.resolve(removed);
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  /** BEGIN IMMEDIATE takes the write lock first, so two processes starting at once queue. */
  private tell(revocation: Revocation): void {
    for (const listener of this.listeners) listener.revoked(revocation);
  }

  private migrate(): void {
    this.db
      .transaction(() => {
        this.db.exec(CREATE_MIGRATIONS_TABLE);
        const applied = new Set(
          (this.db.prepare(SQLITE.appliedMigrations).all() as { version: number }[]).map(
            (row) => row.version,
          ),
        );
        for (const migration of MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          for (const statement of migration.statements) {
            this.db.exec(statementFor(statement, 'sqlite'));
          }
          this.db
            .prepare(SQLITE.recordMigration)
            .run(migration.version, migration.name, Date.now());
        }
      })
      .immediate();
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private one(sql: string, model: string, key: string) {
    const row = this.sql(sql).get(model, key, Date.now()) as RecordRow | undefined;
    if (!row) return Promise.resolve(undefined);
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    return Promise.resolve(withConsumed(payload, row.consumed_at));
  }
}
