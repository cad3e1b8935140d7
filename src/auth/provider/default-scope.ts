import type { Client, KoaContextWithOIDC } from 'oidc-provider';
import type { ResourceRegistry } from '../catalog/resources';

/**
 * An authorization request that names a resource but no `scope` gets the scopes that resource
 * asks clients for (its 401 challenge scopes), so it yields a usable token instead of
 * `access_denied` for an empty grant. RFC 6749 §3.3 lets the server use a pre-defined default
 * scope when the client omits the parameter; MCP clients may omit it when the resource's
 * metadata names none (MCP authorization, "Scope Selection Strategy"), and the MCP
 * conformance suite's `authorization-code-grant` scenario always does. `openid` is never
 * added: an ID token is for clients that ask for one.
 *
 * It runs as oidc-provider's `extraParams` validator for `scope`, the documented place to
 * assign parameter defaults; validators run after the resource indicators are resolved.
 */
export function defaultScope(resources: Pick<ResourceRegistry, 'find'>) {
  return (ctx: KoaContextWithOIDC, value: string | undefined, client: Client): void => {
    if (value?.trim()) return;
    const allowed = client.scope === undefined ? undefined : new Set(client.scope.split(' '));
    const scopes = new Set<string>();
    for (const indicator of Object.keys(ctx.oidc.resourceServers ?? {})) {
      for (const scope of resources.find(indicator)?.challengeScopes ?? []) {
        // A client registered for fewer scopes keeps to them (RFC 7591 §2 `scope`).
        if (!allowed || allowed.has(scope)) scopes.add(scope);
      }
    }
    if (scopes.size > 0) ctx.oidc.params!.scope = [...scopes].join(' ');
  };
}
