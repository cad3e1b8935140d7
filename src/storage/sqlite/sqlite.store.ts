import { ComposedAuthStore } from '../composed-store';
import { SqliteAccountStore } from './sqlite.accounts';
import { SqliteAttemptCounters } from './sqlite.attempts';
import { SqliteDatabase } from './sqlite.database';
import { SqliteOidcRecords } from './sqlite.records';
import { SqliteRevocations } from './sqlite.revocations';
import { SqliteSecrets } from './sqlite.secrets';
import { SQLITE } from './sqlite.statements';
import { SqliteTrustStore } from './sqlite.trust';
import { SqliteDpopProofIds } from './sqlite.proof-ids';
import { SqliteFederationStore } from './sqlite.federation';
import { SqliteConnectionStore } from './sqlite.connections';

/**
 * Embedded default: one file, WAL mode so separate processes on one machine can share it
 * (sqlite.wal.ts). Every part works over the same connection.
 */
export class SqliteAuthStore extends ComposedAuthStore {
  private readonly db: SqliteDatabase;

  constructor(path: string) {
    const db = new SqliteDatabase(path);
    super({
      records: new SqliteOidcRecords(db),
      revocations: new SqliteRevocations(db),
      attempts: new SqliteAttemptCounters(db),
      secrets: new SqliteSecrets(db),
      accounts: new SqliteAccountStore(db),
      trust: new SqliteTrustStore((text) => db.sql(text)),
      proofIds: new SqliteDpopProofIds(db),
      federation: new SqliteFederationStore((text) => db.sql(text)),
      connections: new SqliteConnectionStore((text) => db.sql(text)),
    });
    this.db = db;
  }

  deleteExpired(): Promise<number> {
    const now = Date.now();
    const removed = this.db.transaction(() =>
      SQLITE.deleteExpired.reduce((sum, text) => sum + this.db.sql(text).run(now).changes, 0),
    );
    return Promise.resolve(removed);
  }

  /** SQLite reuses the pages of deleted rows by itself: there is no vacuum to forget. */
  maintenanceWarnings(): Promise<string[]> {
    return Promise.resolve([]);
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
