import { errors, type Provider, type TokenEndpointGrantContext } from 'oidc-provider';
import type { ResourceRegistry } from '../catalog/resources';
import { grantAccessToken } from '../tokens/grant-access-token';
import type { WorkloadRule } from './workload-issuer';

/** What a workload was granted, for the audit log. */
export interface WorkloadGrant {
  readonly resource: string;
  readonly scopes: readonly string[];
}

export interface WorkloadIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly rule: WorkloadRule;
}

type Context = TokenEndpointGrantContext<{ scope?: unknown; resource?: unknown }>;

/**
 * The access token for a federated workload: for one resource the rule allows (RFC 8707; the
 * rule's first when the request names none), with the requested scopes the rule and the
 * resource both allow, else all of those. Its subject is the rule's client id: the workload's
 * own `sub` lives in another issuer's namespace, which must not collide with our users'.
 * No refresh token: the workload presents a fresh assertion (RFC 7523 §2.1 issues none).
 */
export async function issueWorkloadToken(
  deps: { provider: Provider; resources: ResourceRegistry },
  ctx: Context,
  workload: WorkloadIdentity,
): Promise<WorkloadGrant> {
  const { rule } = workload;
  const requested = ctx.oidc.params.resource;
  if (requested !== undefined && typeof requested !== 'string') {
    throw new errors.InvalidTarget('only one resource may be requested');
  }
  const target = deps.resources.find(requested ?? rule.resources[0]!);
  if (!target || !rule.resources.includes(target.id)) {
    throw new errors.InvalidTarget('this workload may not get tokens for this resource');
  }
  const allowed = rule.scopes.filter((s) => target.scopes.includes(s));
  const asked =
    typeof ctx.oidc.params.scope === 'string' ? ctx.oidc.params.scope.split(' ') : allowed;
  const scopes = asked.filter((s) => allowed.includes(s));
  if (scopes.length === 0 || scopes.length < asked.filter(Boolean).length) {
    throw new errors.InvalidScope(
      `scope must name some of: ${allowed.join(' ')}`,
      allowed.join(' '),
    );
  }

  ctx.body = await grantAccessToken(deps, {
    client: ctx.oidc.client,
    accountId: rule.clientId,
    gty: 'workload_federation',
    resource: target.id,
    scope: scopes.join(' '),
  });
  return { resource: target.id, scopes };
}
