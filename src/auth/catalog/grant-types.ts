/**
 * The token-exchange grant (RFC 8693 §2.1): the catalog names it, so the MCP server's client can
 * hold it; tokens/token-exchange.grant.ts registers its handler under this name.
 */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
