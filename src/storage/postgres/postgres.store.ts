import type { Pool, PoolClient } from 'pg';
import { ComposedAuthStore } from '../composed-store';
import { CREATE_MIGRATIONS_TABLE, MIGRATIONS, statementFor } from '../migrations';
import { PostgresAccountStore } from './postgres.accounts';
import { PostgresAttemptCounters } from './postgres.attempts';
import { PostgresOidcRecords } from './postgres.records';
import { PostgresRevocations } from './postgres.revocations';
import { PostgresSecrets } from './postgres.secrets';
import { POSTGRES, type Bigint } from './postgres.statements';
import { PostgresTrustStore } from './postgres.trust';
import { PostgresDpopProofIds } from './postgres.proof-ids';
import { PostgresFederationStore } from './postgres.federation';
import { StorePool } from './postgres.pool';
import { PostgresConnectionStore } from './postgres.connections';

/**
 * Connections per process. A refresh grant makes its queries one after another, each on a
 * pooled connection, so a pool smaller than the concurrent requests queues them (measured with
 * 16 concurrent refreshes: 10 connections served about half the rate of 20).
 */
export const DEFAULT_POOL_SIZE = 20;

/** Shared state for several AuthServer processes; every part works over one pool. */
export class PostgresAuthStore extends ComposedAuthStore {
  private constructor(
    private readonly pool: Pool,
    url: string,
  ) {
    super({
      records: new PostgresOidcRecords(pool),
      revocations: new PostgresRevocations(pool, url),
      attempts: new PostgresAttemptCounters(pool),
      secrets: new PostgresSecrets(pool),
      accounts: new PostgresAccountStore(pool),
      trust: new PostgresTrustStore(pool),
      proofIds: new PostgresDpopProofIds(pool),
      federation: new PostgresFederationStore(pool),
      connections: new PostgresConnectionStore(pool),
    });
  }

  /** `poolSize`: connections per process (DATABASE_POOL_SIZE); a refresh grant holds one per query. */
  static async connect(url: string, poolSize = DEFAULT_POOL_SIZE): Promise<PostgresAuthStore> {
    const pool = new StorePool({ connectionString: url, max: poolSize });
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

  async deleteExpired(): Promise<number> {
    const result = await this.pool.query<{ removed: Bigint }>(POSTGRES.deleteExpired, [Date.now()]);
    return Number(result.rows[0]?.removed ?? 0);
  }

  /**
   * Every refresh, code redemption, revocation and throttled attempt updates or deletes rows,
   * and each leaves a dead row version behind until VACUUM reclaims it. Without autovacuum they
   * pile up and every index lookup of oidc_records reads past more of them: under the soak's
   * load, consent's p50 doubled within 30 minutes without autovacuum, and stayed flat for 45
   * with it.
   */
  async maintenanceWarnings(): Promise<string[]> {
    const { rows } = await this.pool.query<{
      autovacuum: boolean;
      track_counts: boolean;
      tables_off: string[];
    }>(POSTGRES.vacuumSettings);
    const settings = rows[0];
    if (!settings) return [];
    const consequence =
      'dead row versions pile up and sign-ins, refreshes and revocations slow down over hours';
    const warnings: string[] = [];
    const off = (['autovacuum', 'track_counts'] as const).filter((name) => !settings[name]);
    if (off.length > 0) {
      const names = off.map((name) => `${name} = off`).join(', ');
      warnings.push(`PostgreSQL runs with ${names}, so autovacuum never runs: ${consequence}`);
    }
    if (settings.tables_off.length > 0) {
      warnings.push(
        `autovacuum is off for the tables ${settings.tables_off.join(', ')}: ${consequence}`,
      );
    }
    return warnings;
  }

  async close() {
    await this.pool.end();
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
