import { errors } from 'oidc-provider';
import type { ConnectedAccounts } from '../connections/connected-accounts';
import { ConnectionError } from '../connections/connection.error';
import { ACCESS_TOKEN_TYPE } from './token-exchange.request';

/**
 * The error a token exchange answers when the user has no usable connected account: an
 * extension error code (RFC 6749 §8.5) the MCP server turns into a request to connect.
 */
export const CONNECTION_REQUIRED = 'connection_required';

/**
 * RFC 8693 §2.2.1 response carrying the user's own upstream access token for an API that trusts
 * that upstream (the "token vault"): only to the exchanging client, only for that API's
 * resource. The upstream being down is a 503 (the caller retries), never a request to connect.
 */
export async function vaultTokenResponse(
  vault: ConnectedAccounts,
  userSub: string,
  provider: string,
): Promise<Record<string, string | number>> {
  let tokens;
  try {
    tokens = await vault.accessToken(userSub, provider);
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    switch (error.code) {
      case 'upstream_unavailable':
        throw new errors.OIDCProviderError(503, 'temporarily_unavailable');
      case 'not_connected':
      case 'upstream_refused':
      case 'unknown_provider':
        throw new errors.CustomOIDCProviderError(
          CONNECTION_REQUIRED,
          `the user has no connected account at ${provider}`,
        );
    }
  }
  const expiresIn =
    tokens.expiresAt === undefined
      ? 300
      : Math.max(1, Math.floor((tokens.expiresAt - Date.now()) / 1000));
  return {
    access_token: tokens.accessToken,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: expiresIn,
    ...(tokens.scope ? { scope: tokens.scope } : {}),
  };
}
