import { RevocationView } from './revocation-view';
import type { RevocationStore } from './revocation-store';

/**
 * How far past `exp` the resource servers still accept an access token (jwt.strategy.ts). A
 * revocation entry must outlive that, or a revoked token revives for its last seconds.
 */
export const ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS = 5;
/** Kept past `exp` + tolerance, so clocks a little apart do not reopen the gap. */
const SAFETY_MARGIN_SECONDS = 60;

/**
 * JWT access tokens are self-contained, so revoking one means remembering it until it would
 * have expired anyway (plus the verifiers' clock tolerance): by its `jti`, or by its grant
 * (`gid`) when the whole grant is revoked (logout, refresh-token reuse, revocation). The
 * authorization server writes here; resource servers read on every request. Kept in their own
 * tables, apart from oidc-provider's records, so nothing that deletes those can lose one.
 */
export class RevocationList implements RevocationView {
  constructor(private readonly store: RevocationStore) {}

  async revoke(jti: string, expiresAtEpochSeconds: number): Promise<void> {
    await this.store.revokeAccessToken(jti, keepUntil(expiresAtEpochSeconds));
  }

  /** Every access token of the grant issued until now dies; `until` is when the last expires. */
  async revokeGrant(grantId: string, untilEpochSeconds: number): Promise<void> {
    await this.store.revokeGrant(grantId, keepUntil(untilEpochSeconds));
  }

  async isRevoked(jti: string, grantId?: string): Promise<boolean> {
    return this.store.isRevoked(jti, grantId);
  }
}

function keepUntil(expiresAtEpochSeconds: number): number {
  return (
    (expiresAtEpochSeconds + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS + SAFETY_MARGIN_SECONDS) * 1000
  );
}
