import { DPOP_PROOF_ID_STATEMENTS, type DpopProofIds } from '../dpop-proof-ids';
import type { SqliteDatabase } from './sqlite.database';

/** Seen DPoP proofs on SQLite: one atomic statement per proof. */
export class SqliteDpopProofIds implements DpopProofIds {
  constructor(private readonly db: SqliteDatabase) {}

  rememberProofId(key: string, expiresAt: number): Promise<boolean> {
    const row = this.db
      .sql(DPOP_PROOF_ID_STATEMENTS.sqlite.remember)
      .get(key, expiresAt, Date.now());
    return Promise.resolve(row !== undefined);
  }
}
