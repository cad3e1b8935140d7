import { RevocationView } from './revocation-view';
import { AuthStore } from './store';

const TOKEN = 'RevokedAccessToken';
const GRANT = 'RevokedGrant';

/**
 * JWT access tokens are self-contained, so revoking one means remembering it until it would
 * have expired anyway: by its `jti`, or by its grant (`gid`) when the whole grant is revoked
 * (logout, refresh-token reuse, revocation). The authorization server writes here; resource
 * servers read on every request.
 */
export class RevocationList implements RevocationView {
  constructor(private readonly store: AuthStore) {}

  async revoke(jti: string, expiresAtEpochSeconds: number): Promise<void> {
    await this.store.upsert(
      TOKEN,
      jti,
      { jti, revokedAt: Date.now() },
      remaining(expiresAtEpochSeconds),
    );
  }

  /** Every access token of the grant issued until now dies; `until` is when the last expires. */
  async revokeGrant(grantId: string, untilEpochSeconds: number): Promise<void> {
    await this.store.upsert(
      GRANT,
      grantId,
      { grantId, revokedAt: Date.now() },
      remaining(untilEpochSeconds),
    );
  }

  async isRevoked(jti: string, grantId?: string): Promise<boolean> {
    const keys = [{ model: TOKEN, id: jti }];
    if (grantId !== undefined) keys.push({ model: GRANT, id: grantId });
    return this.store.anyExists(keys);
  }
}

function remaining(untilEpochSeconds: number): number {
  return Math.max(1, untilEpochSeconds - Math.floor(Date.now() / 1000));
}
