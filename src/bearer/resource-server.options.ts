/** Describes one resource server that accepts our access tokens (RESOURCE_SERVER). */
export interface ResourceServerOptions {
  readonly issuer: string;
  /** Where this process reaches the issuer; its discovery document names the JWKS. */
  readonly issuerInternalUrl: string;
  /** RFC 8707 resource identifier; the token's `aud` must contain it. */
  readonly audience: string;
  /**
   * Where clients reach this server (its public base URL, no trailing slash): a DPoP proof's
   * `htu` names this plus the request path (RFC 9449 §4.3), whatever the Host header says.
   */
  readonly publicBaseUrl: string;
  /**
   * Where back-channel peers reach it when that differs (API_INTERNAL_URL): the MCP server signs
   * the URL it calls, and a proof naming this server's own internal URL is as good.
   */
  readonly internalBaseUrl?: string;
  /** RFC 9728 metadata URL advertised in every challenge. */
  readonly resourceMetadataUrl: string;
  /** Scopes named in the 401 challenge: what a client should ask for to use this server. */
  readonly challengeScopes: readonly string[];
}

/** Entries a resource server's caches hold at most (BEARER_CACHES). */
export interface BearerCacheBounds {
  /** VERIFIED_TOKENS_MAX: tokens whose full check is remembered until their `exp`. */
  readonly verifiedTokens: number;
  /** DPOP_PROOF_KEYS_MAX: imported proof keys and their thumbprints. */
  readonly dpopProofKeys: number;
}
