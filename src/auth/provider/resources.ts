import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { SharedConfig } from '../../config/config';
import { RESOURCES } from '../../core/protocol';

export interface ProtectedResource {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
}

/**
 * The resource servers this authorization server issues tokens for (RFC 8707). Each access
 * token has exactly one audience: the resource it was requested for.
 */
export class ResourceRegistry {
  readonly api: ProtectedResource;
  readonly mcp: ProtectedResource;

  constructor(
    shared: SharedConfig,
    private readonly accessTokenTtlSeconds: number,
  ) {
    this.api = { id: shared.apiResource, ...RESOURCES.api };
    this.mcp = { id: shared.mcpResource, ...RESOURCES.mcp };
  }

  get all(): readonly ProtectedResource[] {
    return [this.api, this.mcp];
  }

  /**
   * Finds a resource by the identifier a client sent. A trailing slash is tolerated because
   * clients derive the identifier differently (some from `new URL(...).href`).
   */
  find(indicator: string): ProtectedResource | undefined {
    const wanted = indicator.replace(/\/+$/, '');
    return this.all.find((r) => r.id === wanted);
  }

  serverInfo(indicator: string, ttlSeconds = this.accessTokenTtlSeconds): ResourceServer {
    const resource = this.find(indicator);
    if (!resource) throw new errors.InvalidTarget(`unknown resource: ${indicator}`);
    return {
      scope: resource.scopes.join(' '),
      audience: resource.id,
      accessTokenTTL: ttlSeconds,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    };
  }

  /** The configuration hooks of oidc-provider's resourceIndicators feature. */
  feature() {
    return {
      enabled: true,
      useGrantedResource: () => true,
      defaultResource: (
        _ctx: KoaContextWithOIDC,
        client: { grantTypeAllowed(t: string): boolean },
        oneOf?: readonly string[],
      ) => {
        if (oneOf?.length) return oneOf.includes(this.api.id) ? this.api.id : oneOf[0]!;
        // Machine clients have no authorization request to name a resource in: the API is theirs.
        if (client.grantTypeAllowed('client_credentials')) return this.api.id;
        return undefined as unknown as string;
      },
      getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string) =>
        this.serverInfo(indicator),
    };
  }
}
