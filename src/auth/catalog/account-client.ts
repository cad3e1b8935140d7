import { randomBytes, createHash } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import type { SharedConfig } from '../../config/config';
import { SCOPE } from '../../config/protocol';

/**
 * The account page signs its visitors in the way every other page of ours does: through an
 * authorization request, so the login page, its throttle and its audit log are the only way
 * in. This first-party client exists for that; it never redeems its codes.
 */
export const ACCOUNT_CLIENT_ID = 'account';
export const ACCOUNT_PATH = '/account';
export const ACCOUNT_CALLBACK_PATH = '/account/signed-in';

export function accountClient(shared: SharedConfig): ClientMetadata {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'Your account',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [`${shared.issuer}${ACCOUNT_CALLBACK_PATH}`],
    scope: SCOPE.openid,
  };
}

/**
 * Where to send a visitor without a session. PKCE is required of every client (OAuth 2.1), so
 * the request carries a challenge whose verifier is thrown away: the code it yields can never
 * be redeemed, by us or anyone who sees it. The session cookie is all the page needs.
 */
export function accountSignInUrl(issuer: string, authorizationPath: string): string {
  const challenge = createHash('sha256')
    .update(randomBytes(32).toString('base64url'))
    .digest('base64url');
  const url = new URL(`${issuer}${authorizationPath}`);
  url.search = new URLSearchParams({
    client_id: ACCOUNT_CLIENT_ID,
    response_type: 'code',
    redirect_uri: `${issuer}${ACCOUNT_CALLBACK_PATH}`,
    scope: SCOPE.openid,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}
