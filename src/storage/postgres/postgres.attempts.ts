import type { Pool } from 'pg';
import type { AttemptCount, AttemptCounters } from '../attempt-counters';
import { POSTGRES, type Bigint } from './postgres.statements';

/**
 * Attempt counters on PostgreSQL: one upsert with RETURNING counts and reads at once; the
 * conflicting row's lock makes parallel attempts take turns.
 */
export class PostgresAttemptCounters implements AttemptCounters {
  constructor(private readonly pool: Pool) {}

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
}
