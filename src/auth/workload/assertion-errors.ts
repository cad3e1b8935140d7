import { errors as joseErrors } from 'jose';
import { errors } from 'oidc-provider';
import { JwksTooLargeError } from './issuer-keys';

/**
 * Why an assertion was refused, as a stable code for the audit log: the descriptions are for
 * the client and may change wording.
 */
export type AssertionRefusal =
  | 'missing'
  | 'too_large'
  | 'not_a_jwt'
  | 'no_issuer'
  | 'untrusted_issuer'
  | 'invalid_assertion'
  | 'issuer_keys_too_large'
  | 'issuer_unavailable'
  | 'no_rule'
  | 'replayed'
  | 'wrong_client'
  | 'no_account'
  | 'id_jag_not_accepted'
  | 'resource_not_allowed'
  | 'scope_not_allowed';

/** The issuer's keys out of reach is the issuer's outage, not the workload's fault. */
export function refusal(error: unknown): Error {
  if (error instanceof errors.OIDCProviderError) return error;
  if (error instanceof joseErrors.JWKSTimeout || error instanceof TypeError) {
    return new IssuerUnavailable('the issuer keys could not be fetched in time');
  }
  if (error instanceof JwksTooLargeError) {
    return invalidGrant('the issuer key set is too large', 'issuer_keys_too_large');
  }
  if (error instanceof joseErrors.JOSEError) {
    return invalidGrant(`assertion rejected: ${error.code}`, 'invalid_assertion');
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The refusal code of an error a JWT bearer grant threw; undefined for a failure of ours. */
export function refusalReason(error: unknown): AssertionRefusal | undefined {
  if (error instanceof RefusedAssertion) return error.reason;
  if (error instanceof IssuerUnavailable) return 'issuer_unavailable';
  if (error instanceof errors.InvalidRequest) return 'missing';
  if (error instanceof errors.InvalidTarget) return 'resource_not_allowed';
  if (error instanceof errors.InvalidScope) return 'scope_not_allowed';
  return undefined;
}

/** RFC 6749 §5.2 has no 5xx error; `temporarily_unavailable` with 503 as RFC 6749 §4.1.2.1. */
class IssuerUnavailable extends errors.OIDCProviderError {
  constructor(description: string) {
    super(503, 'temporarily_unavailable');
    // oidc-provider hides 5xx errors as server_error unless they are marked safe to show.
    Object.assign(this, { error_description: description, expose: true });
  }
}

/**
 * `invalid_grant` (RFC 6749 §5.2, RFC 7523 §3.1) with the reason as its description;
 * oidc-provider's InvalidGrant keeps a fixed description and the reason out of the response.
 */
class RefusedAssertion extends errors.CustomOIDCProviderError {
  constructor(
    description: string,
    readonly reason: AssertionRefusal,
  ) {
    super('invalid_grant', description);
  }
}

export function invalidGrant(description: string, reason: AssertionRefusal): Error {
  return new RefusedAssertion(description, reason);
}
