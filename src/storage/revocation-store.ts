import type { Revocation, RevocationListener, RevocationWatch } from './revocation-events';

/**
 * The access-token revocation list, in its own tables so nothing that deletes oidc-provider's
 * records can lose an entry (revocation-list.ts keeps the expiry rules).
 */
export interface RevocationStore {
  /** Remembers a revoked access token (`jti`) until `expiresAt` (epoch ms). */
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;
  /** Remembers a revoked grant until `expiresAt` (epoch ms); a later date wins. */
  revokeGrant(grantId: string, expiresAt: number): Promise<void>;
  /** Whether the token or its grant is on the revocation list: one round trip. */
  isRevoked(jti: string, grantId: string | undefined): Promise<boolean>;
}

/** The list as a stream, for a resource server's in-memory copy (revocation-feed.ts). */
export interface RevocationSource {
  /** Every revocation still in force. */
  liveRevocations(): Promise<Revocation[]>;
  /** Tells `listener` of every revocation recorded from now on, by any process. */
  watchRevocations(listener: RevocationListener): Promise<RevocationWatch>;
}
