export interface TokenOwnership {
  readonly clientId?: string;
  readonly aud?: string | readonly string[];
}

export type TokenAccessPolicy = (callerClientId: string, token: TokenOwnership) => boolean;

/**
 * Who may introspect (RFC 7662 §4) or revoke (RFC 7009 §2.1) a token: the client it was issued
 * to, or a confidential client that serves one of the token's audiences as a resource server.
 */
export function tokenAccessPolicy(
  resourcesByClient: ReadonlyMap<string, readonly string[]>,
): TokenAccessPolicy {
  return (callerClientId, token) => {
    if (token.clientId === callerClientId) return true;
    const served = resourcesByClient.get(callerClientId) ?? [];
    return [token.aud ?? []].flat().some((aud) => served.includes(aud));
  };
}
