import { errors, type Client, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { ResourceRegistry } from '../catalog/resources';

/**
 * How an access token for one of our resources is shaped (RFC 8707 §2, RFC 9068): a JWT for
 * exactly that audience, with the scopes it may carry and its lifetime. An indicator we do not
 * serve is refused with `invalid_target`.
 */
export function resourceServerInfo(
  resources: ResourceRegistry,
  indicator: string,
  ttlSeconds?: number,
): ResourceServer {
  const resource = resources.find(indicator);
  if (!resource) throw new errors.InvalidTarget(`unknown resource: ${indicator}`);
  return {
    scope: resource.scopes.join(' '),
    audience: resource.id,
    accessTokenTTL: ttlSeconds ?? resource.ttlSeconds ?? resources.accessTokenTtlSeconds,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}

/** The configuration hooks of oidc-provider's resourceIndicators feature. */
export function resourceIndicators(resources: ResourceRegistry) {
  return {
    enabled: true,
    useGrantedResource: () => true,
    // Client credentials requests get theirs from the client's allow-list (machine-clients.ts).
    defaultResource: (
      _ctx: KoaContextWithOIDC,
      _client: Client,
      oneOf?: readonly string[],
    ): string | undefined => {
      if (oneOf?.length) return oneOf.includes(resources.api.id) ? resources.api.id : oneOf[0];
      return undefined;
    },
    getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string) =>
      resourceServerInfo(resources, indicator),
  };
}
