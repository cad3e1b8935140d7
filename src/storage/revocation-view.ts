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

/** What can end an access token early: the token, its grant, the token it was exchanged from. */
export interface RevocableToken {
  readonly jti: string;
  /** The `gid` claim: the grant it was issued under (an exchanged token: its subject's). */
  readonly grantId?: string;
  /** The `exchanged_from` claim: the `jti` of an RFC 8693 exchange's subject token. */
  readonly exchangedFrom?: string;
}

/**
 * Whether a token is revoked, by any of its revocation keys. Revoking the subject token of an
 * exchange (RFC 7009) ends the tokens exchanged from it: they act for the same caller, and
 * must not outlive the token the caller gave up.
 */
export async function isTokenRevoked(
  view: RevocationView,
  token: RevocableToken,
): Promise<boolean> {
  if (await view.isRevoked(token.jti, token.grantId)) return true;
  return token.exchangedFrom !== undefined && view.isRevoked(token.exchangedFrom);
}

/** The view lost its feed for too long to vouch for any token: fail closed, briefly. */
export class RevocationUnavailable extends Error {
  override readonly name = 'RevocationUnavailable';
  readonly code = 'ERR_REVOCATION_UNAVAILABLE';
}
