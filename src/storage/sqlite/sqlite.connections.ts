import type Database from 'better-sqlite3';
import {
  CONNECTION_SQL as SQL,
  connectionFromRow,
  type ConnectionRow,
  type ConnectionStore,
  type StoredConnection,
} from '../connection-store';

type Prepare = (text: string) => Database.Statement;

/** Connected accounts on SQLite; statements come prepared and cached from the store. */
export class SqliteConnectionStore implements ConnectionStore {
  constructor(private readonly prepare: Prepare) {}

  putConnection(c: Omit<StoredConnection, 'connectedAt' | 'updatedAt'>): Promise<void> {
    const now = Date.now();
    this.sql(SQL.put).run(c.userSub, c.provider, c.sealed, c.scopes, now, now);
    return Promise.resolve();
  }

  resealConnection(userSub: string, provider: string, sealed: string): Promise<boolean> {
    const { changes } = this.sql(SQL.reseal).run(sealed, Date.now(), userSub, provider);
    return Promise.resolve(changes === 1);
  }

  findConnection(userSub: string, provider: string): Promise<StoredConnection | undefined> {
    const row = this.sql(SQL.find).get(userSub, provider) as ConnectionRow | undefined;
    return Promise.resolve(row && connectionFromRow(row));
  }

  connectionsOfUser(userSub: string): Promise<StoredConnection[]> {
    const rows = this.sql(SQL.ofUser).all(userSub) as ConnectionRow[];
    return Promise.resolve(rows.map(connectionFromRow));
  }

  removeConnection(userSub: string, provider: string): Promise<boolean> {
    return Promise.resolve(this.sql(SQL.remove).run(userSub, provider).changes === 1);
  }

  /** The shared statements use each `$n` once, in order: SQLite's `?` binds them alike. */
  private sql(text: string): Database.Statement {
    return this.prepare(text.replace(/\$\d+/g, '?'));
  }
}
