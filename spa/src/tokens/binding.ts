import { decodeJwt, JwtDecodeError } from '../auth/jwt';

/** How an access token is tied to its holder, as the Tokens page shows it. */
export type TokenBinding =
  | { readonly kind: 'dpop'; readonly jkt: string }
  /** token_type DPoP but no readable `cnf.jkt`: the AuthServer's word is all there is. */
  | { readonly kind: 'dpop-unreadable' }
  | { readonly kind: 'bearer' };

/**
 * RFC 9449 §6.1: a DPoP-bound JWT access token names the key's RFC 7638 thumbprint in
 * `cnf.jkt`; its token_type is DPoP (§5). Anything else is a bearer token.
 */
export function tokenBinding(tokenType: string, accessToken: string): TokenBinding {
  if (tokenType.toLowerCase() !== 'dpop') return { kind: 'bearer' };
  try {
    const cnf = decodeJwt(accessToken).claims.cnf;
    const jkt =
      typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
    return typeof jkt === 'string' ? { kind: 'dpop', jkt } : { kind: 'dpop-unreadable' };
  } catch (error) {
    if (error instanceof JwtDecodeError) return { kind: 'dpop-unreadable' };
    throw error;
  }
}
