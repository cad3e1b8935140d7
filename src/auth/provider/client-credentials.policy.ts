import { errors, type Client, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { MachineAllowance } from './machine-directory';

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
  allowance: (clientId: string) => Promise<MachineAllowance | undefined>,
): Omit<T, keyof ResourceIndicatorHooks> & LimitedHooks {
  const machineOf = async (client: Client): Promise<MachineAllowance> => {
    const machine = await allowance(client.clientId);
    if (!machine) throw new errors.UnauthorizedClient('client may not use client credentials');
    return machine;
  };
  return {
    ...hooks,
    defaultResource: async (ctx, client, oneOf) =>
      isClientCredentials(ctx)
        ? (await machineOf(client)).resources[0]
        : hooks.defaultResource(ctx, client, oneOf),
    getResourceServerInfo: async (ctx, indicator, client) => {
      const info = hooks.getResourceServerInfo(ctx, indicator, client);
      if (isClientCredentials(ctx)) {
        const params = ctx.oidc.params as { scope?: unknown } | undefined;
        const granted = checkRequest(await machineOf(client), info, params?.scope);
        // RFC 6749 §3.3: the server may issue a narrower scope than requested and names it in
        // the response. A client asking for everything a resource's challenge lists (every
        // scope its tools use) gets the part it was granted instead of a refusal.
        if (params) params.scope = granted.join(' ');
      }
      return info;
    },
  };
}

/** The hooks as oidc-provider awaits them (machine clients are looked up in the store). */
export interface LimitedHooks {
  defaultResource(
    ...args: Parameters<ResourceIndicatorHooks['defaultResource']>
  ): Promise<string | undefined> | string | undefined;
  getResourceServerInfo(
    ...args: Parameters<ResourceIndicatorHooks['getResourceServerInfo']>
  ): Promise<ResourceServer>;
}

function isClientCredentials(ctx: KoaContextWithOIDC): boolean {
  return ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials';
}

/** The requested scopes this client may have at this resource; refuses when none is left. */
function checkRequest(machine: MachineAllowance, info: ResourceServer, scope: unknown): string[] {
  if (info.audience === undefined || !machine.resources.includes(info.audience)) {
    throw new errors.InvalidTarget('this client may not get tokens for this resource');
  }
  const offered = new Set(info.scope.split(' '));
  const requested = typeof scope === 'string' ? scope.split(' ') : [];
  const granted = requested.filter((s) => offered.has(s) && machine.scopes.includes(s));
  if (granted.length === 0) {
    const allowed = machine.scopes.filter((s) => offered.has(s)).join(' ');
    throw new errors.InvalidScope(`scope must name one of: ${allowed}`, allowed);
  }
  return granted;
}
