import type { Pool } from 'pg';
import {
  CONNECTION_SQL as SQL,
  connectionFromRow,
  type ConnectionRow,
  type ConnectionStore,
  type StoredConnection,
} from '../connection-store';

/** Connected accounts on PostgreSQL, over the store's pool. */
export class PostgresConnectionStore implements ConnectionStore {
  constructor(private readonly pool: Pool) {}

  async putConnection(c: Omit<StoredConnection, 'connectedAt' | 'updatedAt'>): Promise<void> {
    const now = Date.now();
    await this.pool.query(SQL.put, [c.userSub, c.provider, c.sealed, c.scopes, now, now]);
  }

  async resealConnection(userSub: string, provider: string, sealed: string): Promise<boolean> {
    const result = await this.pool.query(SQL.reseal, [sealed, Date.now(), userSub, provider]);
    return result.rowCount === 1;
  }

  async findConnection(userSub: string, provider: string): Promise<StoredConnection | undefined> {
    const result = await this.pool.query<ConnectionRow>(SQL.find, [userSub, provider]);
    const row = result.rows[0];
    return row && connectionFromRow(row);
  }

  async connectionsOfUser(userSub: string): Promise<StoredConnection[]> {
    const result = await this.pool.query<ConnectionRow>(SQL.ofUser, [userSub]);
    return result.rows.map(connectionFromRow);
  }

  async removeConnection(userSub: string, provider: string): Promise<boolean> {
    return (await this.pool.query(SQL.remove, [userSub, provider])).rowCount === 1;
  }
}
