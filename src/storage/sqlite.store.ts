import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AuthStore, expiryFrom } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS oidc_records (
  model      TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  grant_id   TEXT,
  uid        TEXT,
  user_code  TEXT,
  expires_at INTEGER,
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

interface Row {
  payload: string;
  expires_at: number | null;
}

/** Embedded default: one file, WAL mode so separate processes on one machine can share it. */
export class SqliteAuthStore implements AuthStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  upsert(
    model: string,
    id: string,
    payload: Record<string, unknown>,
    expiresIn?: number,
  ): Promise<void> {
    this.sql(
      `INSERT INTO oidc_records (model, id, payload, grant_id, uid, user_code, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
           uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`,
    ).run(
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
    return this.one(
      'SELECT payload, expires_at FROM oidc_records WHERE model = ? AND id = ?',
      model,
      id,
    );
  }

  findByUid(model: string, uid: string) {
    return this.one(
      'SELECT payload, expires_at FROM oidc_records WHERE model = ? AND uid = ?',
      model,
      uid,
    );
  }

  findByUserCode(model: string, userCode: string) {
    return this.one(
      'SELECT payload, expires_at FROM oidc_records WHERE model = ? AND user_code = ?',
      model,
      userCode,
    );
  }

  anyExists(keys: readonly { model: string; id: string }[]): Promise<boolean> {
    const now = Date.now();
    const statement = this.sql(
      'SELECT 1 FROM oidc_records WHERE model = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)',
    );
    // Local lookups cost microseconds; there is no round trip to save.
    return Promise.resolve(
      keys.some(({ model, id }) => statement.get(model, id, now) !== undefined),
    );
  }

  consume(model: string, id: string): Promise<void> {
    // The consumption lives in the stored payload, where oidc-provider reads it. The first
    // consumption time stays: the refresh-token reuse window counts from it.
    this.sql(
      `UPDATE oidc_records SET payload = json_set(payload, '$.consumed', COALESCE(json_extract(payload, '$.consumed'), ?))
       WHERE model = ? AND id = ?`,
    ).run(Math.floor(Date.now() / 1000), model, id);
    return Promise.resolve();
  }

  destroy(model: string, id: string): Promise<void> {
    this.sql('DELETE FROM oidc_records WHERE model = ? AND id = ?').run(model, id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    this.sql('DELETE FROM oidc_records WHERE grant_id = ?').run(grantId);
    return Promise.resolve();
  }

  putSecretIfAbsent(name: string, value: string): Promise<string> {
    this.sql('INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
      name,
      value,
    );
    const row = this.sql('SELECT value FROM server_secrets WHERE name = ?').get(name) as {
      value: string;
    };
    return Promise.resolve(row.value);
  }

  getSecret(name: string): Promise<string | undefined> {
    const row = this.sql('SELECT value FROM server_secrets WHERE name = ?').get(name) as
      { value: string } | undefined;
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
    const result = this.sql(
      'DELETE FROM oidc_records WHERE expires_at IS NOT NULL AND expires_at <= ?',
    ).run(Date.now());
    return Promise.resolve(result.changes);
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private one(sql: string, ...params: string[]): Promise<Record<string, unknown> | undefined> {
    const row = this.sql(sql).get(...params) as Row | undefined;
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) {
      return Promise.resolve(undefined);
    }
    return Promise.resolve(JSON.parse(row.payload) as Record<string, unknown>);
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
