import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/config';
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

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * The metadata as this process reaches the AuthServer (for back-channel calls). The AuthServer
   * publishes its endpoints under the public issuer URL whoever asks; when this process reaches
   * it under an internal name (AUTH_INTERNAL_URL), the endpoints are moved under that name.
   */
  async get(): Promise<AuthServerMetadata> {
    const metadata = await this.forClients();
    const internal = this.config.issuerInternalUrl;
    const { issuer } = this.config;
    if (internal === issuer) return metadata;
    const internalUrl = (key: string, value: unknown) =>
      key !== 'issuer' && typeof value === 'string' && value.startsWith(`${issuer}/`)
        ? internal + value.slice(issuer.length)
        : value;
    return Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [key, internalUrl(key, value)]),
    ) as AuthServerMetadata;
  }

  /** The metadata as the AuthServer publishes it, for clients. */
  async forClients(): Promise<AuthServerMetadata> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.metadata;
    this.pending ??= this.fetchMetadata().finally(() => (this.pending = undefined));
    return this.pending;
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
