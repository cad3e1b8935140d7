import { ROUTES } from '../../config/protocol';

/**
 * The route patterns oidc-provider serves, mounted one by one so a request's route (in metrics
 * and logs) names its endpoint; anything else still reaches the provider through a catch-all.
 * The JWKS is not among them: our own route serves it from the live keyset (keys/).
 */
export const OIDC_PATHS: readonly string[] = [
  ROUTES.authorization,
  ROUTES.token,
  ROUTES.userinfo,
  ROUTES.end_session,
  ROUTES.introspection,
  ROUTES.revocation,
  ROUTES.registration,
  `${ROUTES.authorization}/:uid`,
  `${ROUTES.registration}/:clientId`,
  `${ROUTES.end_session}/confirm`,
  `${ROUTES.end_session}/success`,
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
];
