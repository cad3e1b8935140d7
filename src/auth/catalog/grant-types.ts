/**
 * The token-exchange grant (RFC 8693 §2.1): the catalog names it, so the MCP server's client can
 * hold it; tokens/token-exchange.grant.ts registers its handler under this name.
 */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The JWT bearer grant (RFC 7523 §2.1): workload assertions and, by their `typ`, ID-JAGs. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The public client that stands for "no client" on the JWT bearer grant (SEP-1933). */
export const WORKLOAD_CLIENT_ID = 'workload-federation';

/** RFC 8693 §3 token type of an Identity Assertion JWT Authorization Grant (SEP-990). */
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** The grant profile a resource authorization server that takes ID-JAGs advertises. */
export const ID_JAG_GRANT_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';
