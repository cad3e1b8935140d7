/**
 * What a resource server may know of the AuthServer's state: whether an access token has been
 * revoked, by its `jti` or its grant (`gid`). Read-only, so the API and MCP roles are handed
 * this and never the whole AuthStore.
 */
export interface RevocationView {
  isRevoked(jti: string, grantId?: string): Promise<boolean>;
}

export const REVOCATION_VIEW = Symbol('REVOCATION_VIEW');
