import type { AttemptCount, AttemptCounters } from '../attempt-counters';
import type { SqliteDatabase } from './sqlite.database';
import { SQLITE } from './sqlite.statements';

/** Attempt counters on SQLite: one upsert with RETURNING counts and reads at once. */
export class SqliteAttemptCounters implements AttemptCounters {
  constructor(private readonly db: SqliteDatabase) {}

  countAttempt(key: string, windowSeconds: number): Promise<AttemptCount> {
    const now = Date.now();
    const row = this.db.sql(SQLITE.countAttempt).get(key, now, now + windowSeconds * 1000) as {
      count: number;
      first_at: number;
    };
    return Promise.resolve({ count: row.count, firstAt: row.first_at });
  }

  uncountAttempt(key: string): Promise<void> {
    this.db.sql(SQLITE.uncountAttempt).run(key);
    return Promise.resolve();
  }
}
