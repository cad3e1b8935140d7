import type { AccessToken, ClientCredentials } from 'oidc-provider';
import { exchangedTokenClaims } from './token-exchange.grant';

/**
 * oidc-provider's `extraTokenClaims` hook. Every access token issued under a grant names it in
 * `gid`, so that revoking the grant (logout, refresh-token reuse, revocation of the refresh
 * token) revokes the JWT access tokens already out there: resource servers check `gid` against
 * the revocation list. Exchanged tokens carry their subject's grant and name the actor in `act`.
 */
export function accessTokenClaims(token: AccessToken | ClientCredentials) {
  const grantId = 'grantId' in token ? token.grantId : undefined;
  return {
    ...(grantId ? { gid: grantId } : {}),
    ...exchangedTokenClaims(token),
  };
}
