/**
 * The OpenID Connect scopes every role agrees on. The APIs' own scopes are not here: each API
 * declares its scopes in the APIs list (apis.ts), which the AuthServer issues tokens from and
 * each resource server checks and advertises from. Resource identifiers are URLs and come
 * from config (`SharedConfig.apiResource`, `.mcpResource`).
 */
export const SCOPE = {
  openid: 'openid',
  profile: 'profile',
  email: 'email',
  offlineAccess: 'offline_access',
} as const;

export type Scope = (typeof SCOPE)[keyof typeof SCOPE];

/** The OpenID Connect scopes, in the order discovery lists them (before the APIs' scopes). */
export const SCOPES: readonly Scope[] = Object.values(SCOPE);

/** What each OpenID Connect scope means, on the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [SCOPE.openid]: 'Sign you in with your user identifier',
  [SCOPE.profile]: 'Your name, username and website',
  [SCOPE.email]: 'Your email address',
  [SCOPE.offlineAccess]: 'Stay signed in when you are away (refresh tokens)',
} satisfies Record<Scope, string>;

/** The MCP server's name on the consent page. */
export const MCP_RESOURCE_NAME = 'MCP server';

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
