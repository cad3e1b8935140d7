/** Why a resource server refused an access token; the guard maps each code to a response. */
export type TokenRejectionCode =
  | 'missing'
  | 'not_in_header'
  | 'expired'
  | 'invalid'
  | 'wrong_type'
  | 'revoked'
  /** Bound to a key (a `cnf` claim, or sent under the DPoP scheme): not a bearer token. */
  | 'sender_constrained';

export class TokenRejection extends Error {
  override readonly name = 'TokenRejection';
  constructor(
    readonly code: TokenRejectionCode,
    message: string,
  ) {
    super(message);
  }
}
