import type { UpstreamIdp } from './upstream-idp';

/** What the upstream said about the user that rules may read: string or string-list claims. */
export type UpstreamClaims = Readonly<Record<string, string | readonly string[]>>;

/**
 * The requested scopes this upstream's rules withhold from this user: a scope with rules is
 * granted only when one of its rules matches (claim value, or one of the claim's values, is
 * listed). A scope no rule names is not restricted. Fails closed: a missing claim matches nothing.
 */
export function withheldScopes(
  requested: readonly string[],
  rules: UpstreamIdp['scopeRules'],
  claims: UpstreamClaims,
): string[] {
  return requested.filter((scope) => {
    const applicable = rules.filter((rule) => rule.scope === scope);
    if (applicable.length === 0) return false;
    return !applicable.some((rule) => {
      const value = claims[rule.claim];
      const values = typeof value === 'string' ? [value] : (value ?? []);
      return values.some((v) => rule.anyOf.includes(v));
    });
  });
}
