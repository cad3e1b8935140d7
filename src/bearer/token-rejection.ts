/** Why a resource server refused an access token; the guard maps each code to a response. */
export type TokenRejectionCode =
  'missing' | 'not_in_header' | 'expired' | 'invalid' | 'wrong_type' | 'revoked';

export class TokenRejection extends Error {
  override readonly name = 'TokenRejection';
  constructor(
    readonly code: TokenRejectionCode,
    message: string,
  ) {
    super(message);
  }
}
