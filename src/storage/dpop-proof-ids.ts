/**
 * Seen DPoP proofs (RFC 9449 §11.1): a resource server remembers each proof's `jti` until the
 * proof would be refused as too old anyway, in the store every replica of the role shares, so a
 * proof replayed at another replica is refused as well.
 */
export interface DpopProofIds {
  /**
   * Records `key` until `expiresAt` (epoch ms): true for exactly one caller across every
   * process sharing the storage, false while the key is already recorded and live.
   */
  rememberProofId(key: string, expiresAt: number): Promise<boolean>;
}

/** The table, as migration step statements (migrations.ts). */
export const DPOP_PROOF_IDS_TABLE = [
  'CREATE TABLE dpop_proof_ids (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)',
  'CREATE INDEX dpop_proof_ids_expiry ON dpop_proof_ids (expires_at)',
] as const;

/**
 * One statement each, atomic in both engines: inserted, or taken over from an expired row;
 * a row comes back only then. Parameters: key, expires_at, now.
 */
export const DPOP_PROOF_ID_STATEMENTS = {
  sqlite: {
    remember: `INSERT INTO dpop_proof_ids (key, expires_at) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
        WHERE dpop_proof_ids.expires_at <= ?
      RETURNING 1 AS fresh`,
  },
  postgres: {
    remember: {
      name: 'dpop.rememberProofId',
      text: `INSERT INTO dpop_proof_ids AS p (key, expires_at) VALUES ($1, $2)
        ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE p.expires_at <= $3
        RETURNING 1 AS fresh`,
    },
  },
} as const;
