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

/** What each scope means: the consent page's texts, and Swagger UI's. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [SCOPE.openid]: 'Sign you in with your user identifier',
  [SCOPE.profile]: 'Your name, username and website',
  [SCOPE.email]: 'Your email address',
  [SCOPE.api]: 'Use the weather API on your behalf',
  [SCOPE.weatherget]: 'Read weather forecasts',
  [SCOPE.offlineAccess]: 'Stay signed in when you are away (refresh tokens)',
} satisfies Record<Scope, string>;

/**
 * Where the AuthServer's oidc-provider serves each endpoint (the contract's paths), for the
 * roles that link to one: Swagger UI's sign-in at the API names the authorization and token
 * endpoints.
 */
export const ROUTES = {
  authorization: '/connect/authorize',
  token: '/connect/token',
  userinfo: '/connect/userinfo',
  end_session: '/connect/endsession',
  introspection: '/connect/introspect',
  revocation: '/connect/revocation',
  registration: '/connect/register',
  jwks: '/.well-known/openid-configuration/jwks',
} as const;

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
