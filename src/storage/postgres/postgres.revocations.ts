import type { Pool } from 'pg';
import type { Revocation, RevocationListener, RevocationWatch } from '../revocation-events';
import type { RevocationSource, RevocationStore } from '../revocation-store';
import { PostgresRevocationWatch } from './postgres.revocation-watch';
import { POSTGRES, type Bigint } from './postgres.statements';

/**
 * The revocation list on PostgreSQL. Each write NOTIFYs in the same statement, so every
 * process's watch (its own LISTEN connection, opened from `url`) hears it at commit.
 */
export class PostgresRevocations implements RevocationStore, RevocationSource {
  constructor(
    private readonly pool: Pool,
    private readonly url: string,
  ) {}

  async revokeAccessToken(jti: string, expiresAt: number) {
    await this.pool.query(POSTGRES.revokeAccessToken, [jti, expiresAt]);
  }

  async revokeGrant(grantId: string, expiresAt: number) {
    await this.pool.query(POSTGRES.revokeGrant, [grantId, expiresAt]);
  }

  async isRevoked(jti: string, grantId: string | undefined): Promise<boolean> {
    // A NULL grant id matches no row.
    const result = await this.pool.query(POSTGRES.isRevoked, [jti, grantId ?? null, Date.now()]);
    return (result.rowCount ?? 0) > 0;
  }

  async liveRevocations(): Promise<Revocation[]> {
    const result = await this.pool.query<{
      kind: Revocation['kind'];
      id: string;
      expires_at: Bigint;
    }>(POSTGRES.liveRevocations, [Date.now()]);
    return result.rows.map((r) => ({ kind: r.kind, id: r.id, expiresAt: Number(r.expires_at) }));
  }

  watchRevocations(listener: RevocationListener): Promise<RevocationWatch> {
    return PostgresRevocationWatch.start(this.url, listener);
  }
}
