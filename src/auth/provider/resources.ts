import { errors, type Client, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { SharedConfig } from '../../config/config';
import { RESOURCES } from '../../core/protocol';
import { REQUEST_LIMITS } from './request-limits';

export interface ProtectedResource {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** What a request that names this resource but no scope gets (default-scope.ts). */
  readonly challengeScopes: readonly string[];
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
    // Indicators can also arrive in bodies, which the URL limits do not see.
    if (indicator.length > REQUEST_LIMITS.parameterLength) return undefined;
    const wanted = withoutTrailingSlashes(indicator);
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
        client: Pick<Client, 'grantTypeAllowed'>,
        oneOf?: readonly string[],
      ): string | undefined => {
        if (oneOf?.length) return oneOf.includes(this.api.id) ? this.api.id : oneOf[0];
        // Machine clients have no authorization request to name a resource in: the API is theirs.
        if (client.grantTypeAllowed('client_credentials')) return this.api.id;
        return undefined;
      },
      getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string) =>
        this.serverInfo(indicator),
    };
  }
}

/**
 * Drops trailing slashes by scanning back from the end: linear, where `/\/+$/` backtracks
 * quadratically on a long run of slashes followed by another character (issue 8, finding 1).
 */
export function withoutTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end -= 1;
  return value.slice(0, end);
}
