import { errors } from 'oidc-provider';

export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The RFC 8693 §2.1 parameters oidc-provider collects for the grant. */
export const EXCHANGE_PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'resource',
  'audience',
  'scope',
  'actor_token',
  'actor_token_type',
] as const;

export type ExchangeParams = Partial<Record<(typeof EXCHANGE_PARAMETERS)[number], string>>;

/** A token exchange request whose parameters are present and of a kind we support. */
export interface ExchangeRequest {
  readonly subjectToken: string;
  readonly targetIndicator: string;
  readonly requestedScopes: readonly string[] | undefined;
}

/** Checks the request's parameters, before any token is looked at (RFC 8693 §2.1, §2.2.2). */
export function parseExchangeRequest(params: ExchangeParams): ExchangeRequest {
  if (!params.subject_token) {
    throw new errors.InvalidRequest('missing required parameter subject_token');
  }
  if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (params.actor_token) throw new errors.InvalidRequest('actor_token is not supported');
  if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  const targetIndicator = params.resource ?? params.audience;
  if (!targetIndicator) throw new errors.InvalidTarget('resource (or audience) is required');
  return {
    subjectToken: params.subject_token,
    targetIndicator,
    requestedScopes: params.scope?.split(' ').filter(Boolean),
  };
}

/**
 * The scope of the new token: what was asked for, or everything the target offers that the
 * subject token already held. Asking for more than the subject token held, or ending with no
 * scope at all, is invalid_scope.
 */
export function narrowScope(
  held: string | undefined,
  targetScopes: readonly string[],
  requested: readonly string[] | undefined,
): string {
  const heldScopes = new Set((held ?? '').split(' ').filter(Boolean));
  const offered = targetScopes.filter((s) => heldScopes.has(s));
  if (requested?.some((s) => !offered.includes(s))) {
    throw new errors.InvalidScope('requested scope exceeds the subject token', requested.join(' '));
  }
  const scope = (requested ?? offered).join(' ');
  // A token without a scope would let the target decide what it may do; never issue one.
  if (!scope) {
    throw new errors.InvalidScope('no scope of the target is held by the subject token', '');
  }
  return scope;
}
