import Database from 'better-sqlite3';
import { CREATE_MIGRATIONS_TABLE, MIGRATIONS, statementFor } from '../migrations';
import { prepareDataFile } from './data-files';
import { SQLITE } from './sqlite.statements';
import { enterWalMode } from './sqlite.wal';

/** How long a statement waits for another process's lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * The one connection every SQLite part shares, migrated on open, with each statement prepared
 * once. better-sqlite3 is synchronous and every write is one statement, so each is atomic
 * across processes too (SQLite's file lock serialises writers).
 */
export class SqliteDatabase {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    if (path !== ':memory:') prepareDataFile(path);
    this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    enterWalMode(this.db);
    // In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the
    // process being killed, but the last ones before a power cut or kernel crash may roll back
    // (README "Durability"). FULL costs an fsync per commit, measured at 420 µs of a blocked
    // event loop against 45 µs on a cloud VM's disk. This is better-sqlite3's build default as
    // well (SQLITE_DEFAULT_WAL_SYNCHRONOUS); it is set here so the choice is visible.
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
  }

  sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** BEGIN IMMEDIATE takes the write lock first, so two processes starting at once queue. */
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
}
