/** The bearer module's injection tokens. */

/** This resource server's ResourceServerOptions. */
export const RESOURCE_SERVER = Symbol('RESOURCE_SERVER');

/** This resource server's BearerCacheBounds. */
export const BEARER_CACHES = Symbol('BEARER_CACHES');

/** The TokenVerifier the bearer guard asks. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/** This resource server's DpopProofCheck. */
export const DPOP_PROOF_CHECK = Symbol('DPOP_PROOF_CHECK');

/** The role's IssuerDiscovery: where the bearer module learns the issuer's `jwks_uri`. */
export const ISSUER_DISCOVERY = Symbol('ISSUER_DISCOVERY');
