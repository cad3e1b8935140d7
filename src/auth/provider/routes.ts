/** Where oidc-provider serves each endpoint (the contract's paths). */
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
