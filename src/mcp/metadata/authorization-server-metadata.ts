import { Inject, Injectable } from '@nestjs/common';
import * as oauth from 'openid-client';
import { MCP_CONFIG, SHARED_CONFIG } from '../../config/config.module';
import type { McpConfig, SharedConfig } from '../../config/config';
import { backChannelFetch } from '../upstream/back-channel-fetch';
import { UpstreamError } from '../upstream/upstream.error';

const TTL_MS = 5 * 60 * 1000;
const TIMEOUT_S = 10;

/**
 * The AuthServer as this server's confidential client sees it: RFC 8414 metadata discovered
 * over HTTP by openid-client (the AuthServer may run in another process) and kept for a few
 * minutes. Used for token exchange, and mirrored on this origin for clients of the 2025-03-26
 * revision, which look for `/.well-known/oauth-authorization-server` on the MCP server itself.
 */
@Injectable()
export class AuthorizationServerMetadata {
  private cached?: { readonly configuration: oauth.Configuration; readonly expiresAt: number };
  private pending?: Promise<oauth.Configuration>;

  constructor(
    @Inject(SHARED_CONFIG) private readonly config: SharedConfig,
    @Inject(MCP_CONFIG) private readonly mcp: McpConfig,
  ) {}

  /** The openid-client configuration for back-channel calls (client_secret_basic). */
  async configuration(): Promise<oauth.Configuration> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.configuration;
    this.pending ??= this.discover().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /**
   * The metadata as clients must see it. oidc-provider names its endpoints after the Host it
   * was asked on, so when this process reaches it under an internal name (AUTH_INTERNAL_URL),
   * the endpoints are put back under the public issuer.
   */
  async forClients(): Promise<oauth.ServerMetadata> {
    const metadata = (await this.configuration()).serverMetadata();
    const internal = this.config.issuerInternalUrl;
    if (internal === this.config.issuer) return metadata;
    const publicUrl = (value: unknown) =>
      typeof value === 'string' && value.startsWith(`${internal}/`)
        ? this.config.issuer + value.slice(internal.length)
        : value;
    return Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [key, publicUrl(value)]),
    ) as oauth.ServerMetadata;
  }

  private async discover(): Promise<oauth.Configuration> {
    const { issuer, issuerInternalUrl, clientIds } = this.config;
    let configuration: oauth.Configuration;
    try {
      // openid-client checks that the document's issuer is this one (RFC 8414 §3.3).
      configuration = await oauth.discovery(
        new URL(issuer),
        clientIds.mcpServer,
        undefined,
        oauth.ClientSecretBasic(this.mcp.clientSecret),
        {
          algorithm: 'oauth2',
          timeout: TIMEOUT_S,
          [oauth.customFetch]: backChannelFetch(issuer, issuerInternalUrl),
          // Development issuers and back-channel URLs inside a private network are plain HTTP.
          execute: this.plainHttp() ? [oauth.allowInsecureRequests] : [],
        },
      );
    } catch (error) {
      throw new UpstreamError(
        'auth_server_unavailable',
        'authorization server metadata unavailable or not for the configured issuer',
        { cause: error },
      );
    }
    // openid-client compares URLs after normalising them; clients compare the exact string.
    if (configuration.serverMetadata().issuer !== issuer) {
      throw new UpstreamError(
        'auth_server_unavailable',
        'authorization server metadata is not for the configured issuer',
      );
    }
    this.cached = { configuration, expiresAt: Date.now() + TTL_MS };
    return configuration;
  }

  private plainHttp(): boolean {
    const { issuer, issuerInternalUrl } = this.config;
    return [issuer, issuerInternalUrl].some((url) => new URL(url).protocol === 'http:');
  }
}
