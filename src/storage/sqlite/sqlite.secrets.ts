import type { SecretStore } from '../secret-store';
import type { SqliteDatabase } from './sqlite.database';
import { SQLITE } from './sqlite.statements';

/** The server's secrets on SQLite. */
export class SqliteSecrets implements SecretStore {
  constructor(private readonly db: SqliteDatabase) {}

  putSecretIfAbsent(name: string, value: string): Promise<string> {
    this.db.sql(SQLITE.putSecret).run(name, value);
    const row = this.db.sql(SQLITE.getSecret).get(name) as { value: string };
    return Promise.resolve(row.value);
  }

  getSecret(name: string): Promise<string | undefined> {
    const row = this.db.sql(SQLITE.getSecret).get(name) as { value: string } | undefined;
    return Promise.resolve(row?.value);
  }

  replaceSecret(name: string, expected: string, next: string): Promise<boolean> {
    const result = this.db.sql(SQLITE.replaceSecret).run(next, name, expected);
    return Promise.resolve(result.changes === 1);
  }
}
