import type { Pool } from 'pg';
import { DPOP_PROOF_ID_STATEMENTS, type DpopProofIds } from '../dpop-proof-ids';

/** Seen DPoP proofs on PostgreSQL: one atomic statement per proof, over the store's pool. */
export class PostgresDpopProofIds implements DpopProofIds {
  constructor(private readonly pool: Pool) {}

  async rememberProofId(key: string, expiresAt: number): Promise<boolean> {
    const statement = DPOP_PROOF_ID_STATEMENTS.postgres.remember;
    const result = await this.pool.query(statement, [key, expiresAt, Date.now()]);
    return result.rowCount === 1;
  }
}
