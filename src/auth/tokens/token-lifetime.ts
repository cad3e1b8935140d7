import type { AuthConfig, ProtectedApi } from '../../config/config';

/** What decides how long the access tokens of this AuthServer can live. */
export interface TokenLifetimeSettings {
  readonly auth: Pick<AuthConfig, 'accessTokenTtlSeconds' | 'exchangedTokenTtlSeconds'>;
  /** APIS_FILE: an API's own `tokenTtlSeconds` may be longer than ACCESS_TOKEN_TTL. */
  readonly apis: readonly Pick<ProtectedApi, 'tokenTtlSeconds'>[];
}

/**
 * The longest an access token issued for any configured resource can live: the default
 * lifetime (also the MCP server's tokens and client credentials), the token-exchange lifetime,
 * and every API's own lifetime. Whatever must outlive every token already issued is bounded by
 * this one value: a revoked grant on the revocation list (a JWT access token is refused only
 * while its grant is listed) and a signing key before it leaves the JWKS.
 */
export function longestAccessTokenTtlSeconds({ auth, apis }: TokenLifetimeSettings): number {
  return Math.max(
    auth.accessTokenTtlSeconds,
    auth.exchangedTokenTtlSeconds,
    ...apis.map((api) => api.tokenTtlSeconds ?? 0),
  );
}
