import type { SharedConfig } from '../../config/config';
import { apiScopes, type ProtectedApi, weatherApiOf } from '../../config/apis';
import { MCP_RESOURCE_NAME, SCOPE_DESCRIPTIONS } from '../../config/protocol';
import { REQUEST_LIMITS } from './request-limits';

export interface ProtectedResource {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** What a request that names this resource but no scope gets (default-scope.ts). */
  readonly challengeScopes: readonly string[];
  /** Token lifetime for this resource, when it wants its own (APIS_FILE `tokenTtlSeconds`). */
  readonly ttlSeconds?: number;
}

function fromApi(api: ProtectedApi): ProtectedResource {
  return {
    id: api.resource,
    name: api.title,
    scopes: api.scopes,
    challengeScopes: api.scopes,
    ttlSeconds: api.tokenTtlSeconds,
  };
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

  private readonly texts: Readonly<Record<string, string>>;

  constructor(
    shared: SharedConfig,
    /** ACCESS_TOKEN_TTL: the lifetime of a token whose resource sets none of its own. */
    readonly accessTokenTtlSeconds: number,
  ) {
    const own = weatherApiOf(shared);
    this.api = fromApi(own);
    const mcpScopes = apiScopes(shared.apis);
    this.mcp = {
      id: shared.mcpResource,
      name: MCP_RESOURCE_NAME,
      scopes: mcpScopes,
      challengeScopes: mcpScopes,
    };
    this.others = shared.apis.filter((api) => api !== own).map(fromApi);
    // Earlier entries win: a scope two APIs share keeps the first one's words.
    const texts = [SCOPE_DESCRIPTIONS, own.scopeTexts, ...shared.apis.map((a) => a.scopeTexts)];
    this.texts = Object.assign({}, ...texts.toReversed()) as Record<string, string>;
  }

  /** What a scope lets a client do, for the consent page; its name when nobody said. */
  describe(scope: string): string {
    return Object.hasOwn(this.texts, scope) ? this.texts[scope]! : scope;
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
    // Indicators can also arrive in bodies, which the URL limits do not see.
    if (indicator.length > REQUEST_LIMITS.parameterLength) return undefined;
    const wanted = withoutTrailingSlashes(indicator);
    return this.all.find((r) => r.id === wanted);
  }
}

/**
 * Drops trailing slashes by scanning back from the end: linear, where `/\/+$/` backtracks
 * quadratically on a long run of slashes followed by another character: a resource indicator
 * built that way would hold the event loop for seconds (regular-expression denial of service).
 */
export function withoutTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end -= 1;
  return value.slice(0, end);
}
