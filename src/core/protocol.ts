/**
 * Protocol names every role agrees on: the scopes the AuthServer issues, and which of them
 * each protected resource declares (RFC 9728 `scopes_supported`). The AuthServer issues tokens
 * from this table and each resource server checks and advertises from it, so adding a scope
 * or moving one between resources is a change here only. Resource identifiers themselves are
 * URLs and come from config (`SharedConfig.apiResource`, `.mcpResource`).
 */
export const SCOPE = {
  openid: 'openid',
  profile: 'profile',
  email: 'email',
  api: 'api',
  weatherget: 'weatherget',
  offlineAccess: 'offline_access',
} as const;

export type Scope = (typeof SCOPE)[keyof typeof SCOPE];

/** Every scope the AuthServer knows, in the order discovery lists them. */
export const SCOPES: readonly Scope[] = Object.values(SCOPE);

export interface ResourceDeclaration {
  readonly name: string;
  /** Scopes a token for this resource may carry. */
  readonly scopes: readonly Scope[];
  /** Scopes a client should ask for to use it (named in 401 challenges and in Swagger UI). */
  readonly challengeScopes: readonly Scope[];
}

export const RESOURCES = {
  api: {
    name: 'Weather API',
    scopes: [SCOPE.api, SCOPE.weatherget],
    challengeScopes: [SCOPE.weatherget],
  },
  mcp: {
    name: 'MCP server',
    scopes: [SCOPE.weatherget],
    challengeScopes: [SCOPE.weatherget],
  },
} as const satisfies Record<string, ResourceDeclaration>;
