import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { SharedConfig } from '../../config/config';
import { apiScopes } from '../../config/apis';
import { RESOURCES } from '../../core/protocol';

export interface ProtectedResource {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** Token lifetime for this resource, when it wants one shorter than the default. */
  readonly ttlSeconds?: number;
}

/**
 * The resource servers this authorization server issues tokens for (RFC 8707). Each access
 * token has exactly one audience: the resource it was requested for. They are our own weather
 * API, every API of the APIs configuration (APIS_FILE), and the MCP server, whose tokens may
 * carry every scope a tool of those APIs can need.
 */
export class ResourceRegistry {
  readonly api: ProtectedResource;
  readonly mcp: ProtectedResource;
  /** The configured APIs other than the weather API. */
  readonly others: readonly ProtectedResource[];

  constructor(
    shared: SharedConfig,
    private readonly accessTokenTtlSeconds: number,
  ) {
    const own = shared.apis.find((api) => api.resource === shared.apiResource);
    this.api = {
      id: shared.apiResource,
      name: RESOURCES.api.name,
      scopes: [...new Set([...RESOURCES.api.scopes, ...(own?.scopes ?? [])])],
      ttlSeconds: own?.tokenTtlSeconds,
    };
    this.mcp = { id: shared.mcpResource, name: RESOURCES.mcp.name, scopes: apiScopes(shared.apis) };
    this.others = shared.apis
      .filter((api) => api !== own)
      .map((api) => ({
        id: api.resource,
        name: api.name,
        scopes: api.scopes,
        ttlSeconds: api.tokenTtlSeconds,
      }));
  }

  get all(): readonly ProtectedResource[] {
    return [this.api, ...this.others, this.mcp];
  }

  /** The resources the MCP server may exchange its callers' tokens for. */
  get apis(): readonly ProtectedResource[] {
    return [this.api, ...this.others];
  }

  /** Every scope a token of any resource can carry. */
  get scopes(): readonly string[] {
    return [...new Set(this.all.flatMap((r) => r.scopes))];
  }

  /**
   * Finds a resource by the identifier a client sent. A trailing slash is tolerated because
   * clients derive the identifier differently (some from `new URL(...).href`).
   */
  find(indicator: string): ProtectedResource | undefined {
    const wanted = indicator.replace(/\/+$/, '');
    return this.all.find((r) => r.id === wanted);
  }

  serverInfo(indicator: string, ttlSeconds?: number): ResourceServer {
    const resource = this.find(indicator);
    if (!resource) throw new errors.InvalidTarget(`unknown resource: ${indicator}`);
    return {
      scope: resource.scopes.join(' '),
      audience: resource.id,
      accessTokenTTL: ttlSeconds ?? resource.ttlSeconds ?? this.accessTokenTtlSeconds,
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
