import type { Pool } from 'pg';
import {
  TRUST_SQL,
  trustEntry,
  type TrustEntry,
  type TrustKind,
  type TrustRow,
  type TrustStore,
} from '../trust-store';

/** Trust configuration on PostgreSQL, over the store's pool. */
export class PostgresTrustStore implements TrustStore {
  constructor(private readonly pool: Pool) {}

  async add(kind: TrustKind, id: string, document: unknown): Promise<boolean> {
    const result = await this.pool.query(TRUST_SQL.add, [
      kind,
      id,
      JSON.stringify(document),
      Date.now(),
    ]);
    return result.rowCount === 1;
  }

  async put(kind: TrustKind, id: string, document: unknown): Promise<boolean> {
    const existed = (await this.find(kind, id)) !== undefined;
    await this.pool.query(TRUST_SQL.put, [kind, id, JSON.stringify(document), Date.now()]);
    return !existed;
  }

  async find(kind: TrustKind, id: string): Promise<TrustEntry | undefined> {
    const { rows } = await this.pool.query<TrustRow>(TRUST_SQL.find, [kind, id]);
    return rows[0] ? trustEntry(rows[0]) : undefined;
  }

  async list(kind: TrustKind): Promise<TrustEntry[]> {
    const { rows } = await this.pool.query<TrustRow>(TRUST_SQL.list, [kind]);
    return rows.map(trustEntry);
  }

  async remove(kind: TrustKind, id: string): Promise<boolean> {
    const result = await this.pool.query(TRUST_SQL.remove, [kind, id]);
    return result.rowCount === 1;
  }
}
