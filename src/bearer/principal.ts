/** Who called a resource server, as its access token says. */
export interface Principal {
  readonly sub: string;
  readonly clientId: string;
  /** Space-separated, as RFC 9068 carries it (mcp-nest reads this form). */
  readonly scope: string;
  readonly scopes: readonly string[];
  readonly audience: readonly string[];
  readonly expiresAt: number;
  readonly act?: { readonly sub: string };
  /** The bearer token itself, for token exchange; never forwarded. */
  readonly token: string;
}
