/**
 * The AuthServer's injection tokens for values that are not classes. A class the role builds
 * (UserDirectory, AuditLog, SigningKeyRing, ...) is its own token; SHARED_CONFIG, ROLE and the
 * kernel's services come from CoreModule.
 */

/** The AuthServer's config section, handed in by the bootstrap. */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
/** The store, opened by the bootstrap: the only role that writes it. */
export const AUTH_STORE = Symbol('AUTH_STORE');
/** Outbound HTTP (Client ID Metadata Documents), handed in so tests can stand in for it. */
export const AUTH_FETCH = Symbol('AUTH_FETCH');
/** The process's pino logger (the audit log and the start-up lines write through it). */
export const AUTH_LOGGER = Symbol('AUTH_LOGGER');
/** The cookie-signing keys, newest first; the first also keys the CSRF tokens. */
export const COOKIE_KEYS = Symbol('COOKIE_KEYS');
/** The key the AuthServer's DPoP nonces are made with, the same on every replica. */
export const DPOP_NONCE_KEY = Symbol('DPOP_NONCE_KEY');
/** The configured oidc-provider instance. */
export const OIDC_PROVIDER = Symbol('OIDC_PROVIDER');
