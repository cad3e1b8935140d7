import type { Credentials } from './credentials';
import type { Principal } from './principal';

/**
 * Turns a request's credentials into the caller they stand for, or rejects with a BearerError
 * (and nothing else): invalid_token for a token this resource server does not accept,
 * temporarily_unavailable when the answer cannot be had right now. The bearer guard depends
 * on this interface only (TOKEN_VERIFIER).
 */
export interface TokenVerifier {
  verify(credentials: Credentials): Promise<Principal>;
}
