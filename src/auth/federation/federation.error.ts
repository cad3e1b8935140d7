/**
 * Why a sign-in through an upstream IdP did not finish. Every code becomes a page with a retry
 * link (federation-views.ts) and an audit event; none becomes a 500.
 */
export type FederationErrorCode =
  | 'unknown_idp'
  | 'unreachable'
  | 'timeout'
  | 'upstream_refused'
  | 'wrong_issuer'
  | 'invalid_response'
  | 'invalid_id_token'
  | 'state_unknown'
  | 'other_browser'
  | 'interaction_gone'
  | 'not_linked'
  | 'email_domain_refused';

export class FederationError extends Error {
  override readonly name = 'FederationError';
  constructor(
    readonly code: FederationErrorCode,
    message: string,
  ) {
    super(message);
  }
}
