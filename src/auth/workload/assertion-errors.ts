import { errors as joseErrors } from 'jose';
import { errors } from 'oidc-provider';
import { JwksTooLargeError } from './issuer-keys';

/** The issuer's keys out of reach is the issuer's outage, not the workload's fault. */
export function refusal(error: unknown): Error {
  if (error instanceof errors.OIDCProviderError) return error;
  if (error instanceof joseErrors.JWKSTimeout || error instanceof TypeError) {
    return new IssuerUnavailable('the issuer keys could not be fetched in time');
  }
  if (error instanceof JwksTooLargeError) {
    return invalidGrant('the issuer key set is too large');
  }
  if (error instanceof joseErrors.JOSEError) {
    return invalidGrant(`assertion rejected: ${error.code}`);
  }
  return error instanceof Error ? error : new Error(String(error));
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
export function invalidGrant(description: string): Error {
  return new errors.CustomOIDCProviderError('invalid_grant', description);
}
