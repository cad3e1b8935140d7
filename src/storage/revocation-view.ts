/**
 * What a resource server may know of the AuthServer's state: whether an access token has been
 * revoked, by its `jti` or its grant (`gid`). Read-only, so the API and MCP roles are handed
 * this and never the whole AuthStore.
 */
export interface RevocationView {
  /** Rejects with RevocationUnavailable when the answer cannot be trusted right now. */
  isRevoked(jti: string, grantId?: string): Promise<boolean>;
}

export const REVOCATION_VIEW = Symbol('REVOCATION_VIEW');

/** The view lost its feed for too long to vouch for any token: fail closed, briefly. */
export class RevocationUnavailable extends Error {
  override readonly name = 'RevocationUnavailable';
  readonly code = 'ERR_REVOCATION_UNAVAILABLE';
}
