import { Pool } from 'pg';
import { AuthStore, expiryFrom } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS oidc_records (
  model      TEXT   NOT NULL,
  id         TEXT   NOT NULL,
  payload    JSONB  NOT NULL,
  grant_id   TEXT,
  uid        TEXT,
  user_code  TEXT,
  expires_at BIGINT,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS oidc_records_grant ON oidc_records (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_records_uid ON oidc_records (uid) WHERE uid IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_records_user_code ON oidc_records (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_records_expiry ON oidc_records (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS server_secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** Shared state for several AuthServer processes. */
export class PostgresAuthStore implements AuthStore {
  private constructor(private readonly pool: Pool) {}

  static async connect(url: string): Promise<PostgresAuthStore> {
    const pool = new Pool({ connectionString: url, max: 10 });
    // An idle pooled connection that the server ends (restart, failover, idle timeout) makes
    // the pool emit 'error', which crashes the process when nobody listens. The pool has
    // already dropped that connection and the next query opens a new one; a query that still
    // fails reports its own error to its caller.
    pool.on('error', () => undefined);
    // Concurrent first boots race on CREATE TABLE IF NOT EXISTS; a transaction-level advisory
    // lock serialises them.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(7431001)');
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      await pool.end();
      throw error;
    } finally {
      client.release();
    }
    return new PostgresAuthStore(pool);
  }

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresIn?: number) {
    await this.pool.query(
      `INSERT INTO oidc_records (model, id, payload, grant_id, uid, user_code, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
         uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
      [
        model,
        id,
        payload,
        stringOrNull(payload.grantId),
        stringOrNull(payload.uid),
        stringOrNull(payload.userCode),
        expiryFrom(expiresIn),
      ],
    );
  }

  find(model: string, id: string) {
    return this.one('model = $1 AND id = $2', model, id);
  }

  findByUid(model: string, uid: string) {
    return this.one('model = $1 AND uid = $2', model, uid);
  }

  findByUserCode(model: string, userCode: string) {
    return this.one('model = $1 AND user_code = $2', model, userCode);
  }

  async anyExists(keys: readonly { model: string; id: string }[]): Promise<boolean> {
    if (keys.length === 0) return false;
    const result = await this.pool.query(
      `SELECT 1 FROM oidc_records
       WHERE (model, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND (expires_at IS NULL OR expires_at > $3)
       LIMIT 1`,
      [keys.map((k) => k.model), keys.map((k) => k.id), Date.now()],
    );
    return result.rowCount !== null && result.rowCount > 0;
  }

  async consume(model: string, id: string) {
    // The first consumption time stays: the refresh-token reuse window counts from it.
    await this.pool.query(
      `UPDATE oidc_records
       SET payload = jsonb_set(payload, '{consumed}', COALESCE(payload->'consumed', to_jsonb($3::bigint)))
       WHERE model = $1 AND id = $2`,
      [model, id, Math.floor(Date.now() / 1000)],
    );
  }

  async destroy(model: string, id: string) {
    await this.pool.query('DELETE FROM oidc_records WHERE model = $1 AND id = $2', [model, id]);
  }

  async revokeByGrantId(grantId: string) {
    await this.pool.query('DELETE FROM oidc_records WHERE grant_id = $1', [grantId]);
  }

  async putSecretIfAbsent(name: string, value: string): Promise<string> {
    await this.pool.query(
      'INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [name, value],
    );
    const result = await this.pool.query<{ value: string }>(
      'SELECT value FROM server_secrets WHERE name = $1',
      [name],
    );
    return result.rows[0]!.value;
  }

  async getSecret(name: string): Promise<string | undefined> {
    const result = await this.pool.query<{ value: string }>(
      'SELECT value FROM server_secrets WHERE name = $1',
      [name],
    );
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
    const result = await this.pool.query(
      'DELETE FROM oidc_records WHERE expires_at IS NOT NULL AND expires_at <= $1',
      [Date.now()],
    );
    return result.rowCount ?? 0;
  }

  async close() {
    await this.pool.end();
  }

  private async one(where: string, ...params: string[]) {
    const result = await this.pool.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM oidc_records WHERE ${where} AND (expires_at IS NULL OR expires_at > $${params.length + 1})`,
      [...params, Date.now()],
    );
    return result.rows[0]?.payload;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
