import { errors, type Client, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { MachineClient } from '../catalog/machine-clients';

/** The resource-indicator hooks oidc-provider's client credentials grant asks. */
export interface ResourceIndicatorHooks {
  defaultResource(
    ctx: KoaContextWithOIDC,
    client: Client,
    oneOf?: readonly string[],
  ): string | undefined;
  getResourceServerInfo(ctx: KoaContextWithOIDC, indicator: string, client: Client): ResourceServer;
}

/**
 * Client credentials tokens only for what each machine client is configured for. oidc-provider
 * resolves the grant's resource through these hooks (the request's `resource`, else the
 * default) before it looks at the scope, so they refuse there: a resource off the client's
 * allow-list is `invalid_target` (RFC 8707 §2), a request naming no scope that both the client
 * may ask for and the resource has is `invalid_scope` (RFC 6749 §5.2), where oidc-provider
 * would issue a token with no scope at all.
 */
export function limitMachineClients<T extends ResourceIndicatorHooks>(
  hooks: T,
  machines: readonly MachineClient[],
): T {
  const byId = new Map(machines.map((machine) => [machine.clientId, machine]));
  const machineOf = (client: Client): MachineClient => {
    const machine = byId.get(client.clientId);
    if (!machine) throw new errors.UnauthorizedClient('client may not use client credentials');
    return machine;
  };
  return {
    ...hooks,
    defaultResource: (ctx, client, oneOf) =>
      isClientCredentials(ctx)
        ? machineOf(client).resources[0]
        : hooks.defaultResource(ctx, client, oneOf),
    getResourceServerInfo: (ctx, indicator, client) => {
      const info = hooks.getResourceServerInfo(ctx, indicator, client);
      if (isClientCredentials(ctx)) checkRequest(machineOf(client), info, ctx.oidc.params?.scope);
      return info;
    },
  };
}

function isClientCredentials(ctx: KoaContextWithOIDC): boolean {
  return ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials';
}

function checkRequest(machine: MachineClient, info: ResourceServer, scope: unknown): void {
  if (info.audience === undefined || !machine.resources.includes(info.audience)) {
    throw new errors.InvalidTarget('this client may not get tokens for this resource');
  }
  const offered = new Set(info.scope.split(' '));
  const requested = typeof scope === 'string' ? scope.split(' ') : [];
  if (!requested.some((s) => offered.has(s) && machine.scopes.includes(s))) {
    const allowed = machine.scopes.filter((s) => offered.has(s)).join(' ');
    throw new errors.InvalidScope(`scope must name one of: ${allowed}`, allowed);
  }
}
