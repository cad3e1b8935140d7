import { Inject, Injectable } from '@nestjs/common';
import { SHARED_CONFIG } from '../../config/config.module';
import type { SharedConfig } from '../../config/config';
import { UpstreamError } from '../upstream/upstream.error';

/** RFC 8414 §2 metadata, as far as this server reads it; the rest is passed through untouched. */
export interface AuthServerMetadata {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly [field: string]: unknown;
}

const TTL_MS = 5 * 60 * 1000;
const TIMEOUT_MS = 5000;

/**
 * The AuthServer's metadata, fetched over HTTP from the issuer (the AuthServer may run in
 * another process) and cached. Used to find the token endpoint for token exchange, and
 * mirrored on this origin for clients of the 2025-03-26 revision, which look for
 * `/.well-known/oauth-authorization-server` on the MCP server itself.
 */
@Injectable()
export class AuthorizationServerMetadata {
  private cached?: { readonly metadata: AuthServerMetadata; readonly expiresAt: number };
  private pending?: Promise<AuthServerMetadata>;

  constructor(@Inject(SHARED_CONFIG) private readonly config: SharedConfig) {}

  /** The metadata as this process reaches the AuthServer (for back-channel calls). */
  async get(): Promise<AuthServerMetadata> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.metadata;
    this.pending ??= this.fetchMetadata().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /**
   * The metadata as clients must see it. oidc-provider names its endpoints after the Host it
   * was asked on, so when this process reaches it under an internal name (AUTH_INTERNAL_URL),
   * the endpoints are put back under the public issuer.
   */
  async forClients(): Promise<AuthServerMetadata> {
    const metadata = await this.get();
    const internal = this.config.issuerInternalUrl;
    if (internal === this.config.issuer) return metadata;
    const publicUrl = (value: unknown) =>
      typeof value === 'string' && value.startsWith(`${internal}/`)
        ? this.config.issuer + value.slice(internal.length)
        : value;
    return Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [key, publicUrl(value)]),
    ) as AuthServerMetadata;
  }

  private async fetchMetadata(): Promise<AuthServerMetadata> {
    const url = `${this.config.issuerInternalUrl}/.well-known/oauth-authorization-server`;
    let body: unknown;
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw new UpstreamError(
        'auth_server_unavailable',
        'authorization server metadata unavailable',
        { cause: error },
      );
    }
    const metadata = body as Partial<AuthServerMetadata> | null;
    // RFC 8414 §3.3: the metadata must name exactly the issuer it was fetched for.
    if (metadata?.issuer !== this.config.issuer || typeof metadata.token_endpoint !== 'string') {
      throw new UpstreamError(
        'auth_server_unavailable',
        'authorization server metadata is not for the configured issuer',
      );
    }
    const valid = metadata as AuthServerMetadata;
    this.cached = { metadata: valid, expiresAt: Date.now() + TTL_MS };
    return valid;
  }
}
