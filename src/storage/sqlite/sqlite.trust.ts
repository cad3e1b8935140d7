import type Database from 'better-sqlite3';
import {
  sqliteTrustSql,
  TRUST_SQL,
  trustEntry,
  type TrustEntry,
  type TrustKind,
  type TrustRow,
  type TrustStore,
} from '../trust-store';

type Prepare = (text: string) => Database.Statement;

/** Trust configuration on SQLite; statements come prepared and cached from the store. */
export class SqliteTrustStore implements TrustStore {
  constructor(private readonly sql: Prepare) {}

  add(kind: TrustKind, id: string, document: unknown): Promise<boolean> {
    const { changes } = this.run('add').run(kind, id, JSON.stringify(document), Date.now());
    return Promise.resolve(changes === 1);
  }

  async put(kind: TrustKind, id: string, document: unknown): Promise<boolean> {
    const existed = (await this.find(kind, id)) !== undefined;
    this.run('put').run(kind, id, JSON.stringify(document), Date.now());
    return !existed;
  }

  find(kind: TrustKind, id: string): Promise<TrustEntry | undefined> {
    const row = this.run('find').get(kind, id) as TrustRow | undefined;
    return Promise.resolve(row ? trustEntry(row) : undefined);
  }

  list(kind: TrustKind): Promise<TrustEntry[]> {
    return Promise.resolve((this.run('list').all(kind) as TrustRow[]).map(trustEntry));
  }

  remove(kind: TrustKind, id: string): Promise<boolean> {
    return Promise.resolve(this.run('remove').run(kind, id).changes === 1);
  }

  private run(name: keyof typeof TRUST_SQL): Database.Statement {
    return this.sql(sqliteTrustSql(TRUST_SQL[name]));
  }
}
