import { Pool, PoolClient } from 'pg';
import { CREATE_MIGRATIONS_TABLE, MIGRATIONS, statementFor } from './migrations';
import { PostgresAccountStore } from './postgres.accounts';
import { PostgresFederationStore } from './postgres.federation';
import { PostgresRevocationWatch } from './postgres-revocation-watch';
import { POSTGRES, type Statement } from './postgres.statements';
import { Revocation, RevocationListener, RevocationWatch } from './revocation-events';
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

/**
 * Connections per process. A refresh grant makes its queries one after another, each on a
 * pooled connection, so a pool smaller than the concurrent requests queues them (measured with
 * 16 concurrent refreshes: 10 connections served about half the rate of 20).
 */
export const DEFAULT_POOL_SIZE = 20;

/** BIGINT columns arrive as strings (they may exceed 2^53); ours are epoch milliseconds. */
type Bigint = string;

/** Shared state for several AuthServer processes. */
export class PostgresAuthStore implements AuthStore {
  readonly accounts: PostgresAccountStore;
  readonly federation: PostgresFederationStore;

  private constructor(
    private readonly pool: Pool,
    private readonly url: string,
  ) {
    this.accounts = new PostgresAccountStore(pool);
    this.federation = new PostgresFederationStore(pool);
  }

  /** `poolSize`: connections per process (DATABASE_POOL_SIZE); a refresh grant holds one per query. */
  static async connect(url: string, poolSize = DEFAULT_POOL_SIZE): Promise<PostgresAuthStore> {
    const pool = new Pool({ connectionString: url, max: poolSize });
    // An idle pooled connection that the server ends (restart, failover, idle timeout) makes
    // the pool emit 'error', which crashes the process when nobody listens. The pool has
    // already dropped that connection and the next query opens a new one; a query that still
    // fails reports its own error to its caller.
    pool.on('error', () => undefined);
    const client = await pool.connect();
    try {
      await migrate(client);
    } catch (error) {
      client.release();
      await pool.end();
      throw error;
    }
    client.release();
    return new PostgresAuthStore(pool, url);
  }

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresIn?: number) {
    await this.pool.query(POSTGRES.upsert, [
      model,
      id,
      payload,
      stringOrNull(payload.grantId),
      stringOrNull(payload.uid),
      stringOrNull(payload.userCode),
      expiryFrom(expiresIn),
    ]);
  }

  find(model: string, id: string) {
    return this.one(POSTGRES.findById, model, id);
  }

  findByUid(model: string, uid: string) {
    return this.one(POSTGRES.findByUid, model, uid);
  }

  findByUserCode(model: string, userCode: string) {
    return this.one(POSTGRES.findByUserCode, model, userCode);
  }

  async consume(model: string, id: string): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.consume, [model, id, Date.now()]);
    return result.rowCount === 1;
  }

  async consumption(model: string, id: string): Promise<Consumption | undefined> {
    const result = await this.pool.query<{ consumed_at: Bigint; successor_id: string | null }>(
      POSTGRES.consumption,
      [model, id, Date.now()],
    );
    const row = result.rows[0];
    return (
      row && { consumedAt: Number(row.consumed_at), successorId: row.successor_id ?? undefined }
    );
  }

  async recordSuccessor(model: string, id: string, successorId: string): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.recordSuccessor, [model, id, successorId]);
    return result.rowCount === 1;
  }

  async releaseConsumption(model: string, id: string, consumedAt: number): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.releaseConsumption, [model, id, consumedAt]);
    return result.rowCount === 1;
  }

  async destroy(model: string, id: string) {
    await this.pool.query(POSTGRES.destroy, [model, id]);
  }

  async revokeByGrantId(model: string, grantId: string) {
    await this.pool.query(POSTGRES.revokeByGrantId, [model, grantId]);
  }

  async grantsOfAccount(accountId: string, limit: number): Promise<AccountGrant[]> {
    const { rows } = await this.pool.query<AccountGrantRow>(POSTGRES.grantsOfAccount, [
      accountId,
      Date.now(),
      limit,
    ]);
    return rows.map(accountGrant);
  }

  async revokeAccessToken(jti: string, expiresAt: number) {
    await this.pool.query(POSTGRES.revokeAccessToken, [jti, expiresAt]);
  }

  async revokeGrant(grantId: string, expiresAt: number) {
    await this.pool.query(POSTGRES.revokeGrant, [grantId, expiresAt]);
  }

  async isRevoked(jti: string, grantId: string | undefined): Promise<boolean> {
    // A NULL grant id matches no row.
    const result = await this.pool.query(POSTGRES.isRevoked, [jti, grantId ?? null, Date.now()]);
    return (result.rowCount ?? 0) > 0;
  }

  async liveRevocations(): Promise<Revocation[]> {
    const result = await this.pool.query<{
      kind: Revocation['kind'];
      id: string;
      expires_at: Bigint;
    }>(POSTGRES.liveRevocations, [Date.now()]);
    return result.rows.map((r) => ({ kind: r.kind, id: r.id, expiresAt: Number(r.expires_at) }));
  }

  watchRevocations(listener: RevocationListener): Promise<RevocationWatch> {
    return PostgresRevocationWatch.start(this.url, listener);
  }

  async countAttempt(key: string, windowSeconds: number): Promise<AttemptCount> {
    const now = Date.now();
    const result = await this.pool.query<{ count: number; first_at: Bigint }>(
      POSTGRES.countAttempt,
      [key, now, now + windowSeconds * 1000],
    );
    const row = result.rows[0]!;
    return { count: row.count, firstAt: Number(row.first_at) };
  }

  async uncountAttempt(key: string) {
    await this.pool.query(POSTGRES.uncountAttempt, [key]);
  }

  async putSecretIfAbsent(name: string, value: string): Promise<string> {
    await this.pool.query(POSTGRES.putSecret, [name, value]);
    const result = await this.pool.query<{ value: string }>(POSTGRES.getSecret, [name]);
    return result.rows[0]!.value;
  }

  async getSecret(name: string): Promise<string | undefined> {
    const result = await this.pool.query<{ value: string }>(POSTGRES.getSecret, [name]);
    return result.rows[0]?.value;
  }

  async replaceSecret(name: string, expected: string, next: string): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE server_secrets SET value = $3 WHERE name = $1 AND value = $2',
      [name, expected, next],
    );
    return result.rowCount === 1;
  }

  async deleteExpired(): Promise<number> {
    const result = await this.pool.query<{ removed: Bigint }>(POSTGRES.deleteExpired, [Date.now()]);
    return Number(result.rows[0]?.removed ?? 0);
  }

  async close() {
    await this.pool.end();
  }

  private async one(sql: Statement, model: string, key: string) {
    const result = await this.pool.query<{
      payload: Record<string, unknown>;
      consumed_at: Bigint | null;
    }>(sql, [model, key, Date.now()]);
    const row = result.rows[0];
    return row && withConsumed(row.payload, row.consumed_at);
  }
}

/** Applies the migrations not yet recorded, under an advisory lock held until COMMIT. */
async function migrate(client: PoolClient): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query(POSTGRES.migrationLock);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const applied = await client.query<{ version: number }>(POSTGRES.appliedMigrations);
    const done = new Set(applied.rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) {
        await client.query(statementFor(statement, 'postgres'));
      }
      await client.query(POSTGRES.recordMigration, [migration.version, migration.name, Date.now()]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
