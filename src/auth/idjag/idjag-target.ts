import { errors } from 'oidc-provider';
import type { ProtectedResource, ResourceRegistry } from '../catalog/resources';

/**
 * The resource of the token (RFC 8707): the one the request names, which the ID-JAG's
 * `resource` claim (a URI or an array of them) must include, or the claim's only one.
 */
export function targetResource(
  resources: ResourceRegistry,
  claim: unknown,
  requested: unknown,
): ProtectedResource {
  const named = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
  const granted = named.filter((r): r is string => typeof r === 'string').slice(0, 50);
  if (requested !== undefined && typeof requested !== 'string') {
    throw new errors.InvalidTarget('only one resource may be requested');
  }
  const indicator = requested ?? (granted.length === 1 ? granted[0] : undefined);
  if (indicator === undefined) {
    throw new errors.InvalidTarget('resource is required: the ID-JAG names none or several');
  }
  if (!granted.includes(indicator)) {
    throw new errors.InvalidTarget('the ID-JAG does not grant access to this resource');
  }
  const target = resources.find(indicator);
  if (!target) throw new errors.InvalidTarget('the resource is not one of ours');
  return target;
}

/**
 * RFC 6749 §3.3 applied to the ID-JAG's `scope` (the draft's §4.4.1): the scopes asked for
 * (all of the ID-JAG's when none) that the ID-JAG, the resource and the client's own bound
 * all allow; the response names them, as §3.3 asks when they differ from the request.
 * Ending with none is invalid_scope.
 */
export function grantedScopes(
  claim: unknown,
  resourceScopes: readonly string[],
  clientScopes: readonly string[] | undefined,
  requested: unknown,
): string {
  const inGrant = typeof claim === 'string' ? claim.split(' ').filter(Boolean) : [];
  const allowed = inGrant.filter(
    (s) => resourceScopes.includes(s) && (clientScopes === undefined || clientScopes.includes(s)),
  );
  const asked = typeof requested === 'string' ? requested.split(' ').filter(Boolean) : allowed;
  const granted = asked.filter((s) => allowed.includes(s));
  if (granted.length === 0) {
    throw new errors.InvalidScope(
      `scope must name some of: ${allowed.join(' ')}`,
      allowed.join(' '),
    );
  }
  return granted.join(' ');
}
