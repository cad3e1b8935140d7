import { Inject, Injectable } from '@nestjs/common';
import { importJWK } from 'jose';
import * as oauth from 'openid-client';
import { MCP_CONFIG, SHARED_CONFIG } from '../../config/config.module';
import type { McpConfig, SharedConfig } from '../../config/config';
import {
  dpopSigningAlgsOf,
  type IssuerDiscovery,
  type IssuerMetadata,
} from '../../bearer/issuer-discovery';
import { IssuerUrls } from '../../bearer/issuer-urls';
import { UpstreamError } from './upstream.error';

const TTL_MS = 5 * 60 * 1000;

/**
 * private_key_jwt (RFC 7523 §2.2) when the MCP server has a key: each request carries a
 * one-time assertion signed with it, so nothing that could be replayed crosses the wire.
 * Otherwise client_secret_basic (RFC 6749 §2.3.1).
 */
async function clientAuthentication(config: McpConfig): Promise<oauth.ClientAuth> {
  const key = config.clientKey;
  if (!key) return oauth.ClientSecretBasic(config.clientSecret);
  const privateKey = await importJWK(key.privateJwk, key.publicJwk.alg);
  if (privateKey instanceof Uint8Array) throw new Error('the client key is not an asymmetric key');
  return oauth.PrivateKeyJwt({ key: privateKey, kid: key.publicJwk.kid });
}
const TIMEOUT_S = 10;

/**
 * The MCP role's one discovery of the AuthServer: RFC 8414 metadata fetched over HTTP by
 * openid-client (the AuthServer may run in another process) and kept for a few minutes. The
 * token exchange uses it as this server's confidential client, and it is mirrored on this
 * origin for clients of the 2025-03-26 revision, which look for
 * `/.well-known/oauth-authorization-server` on the MCP server itself, and the bearer module
 * reads the issuer's `jwks_uri` from it (ISSUER_DISCOVERY). Both directions between public and
 * internal URLs follow one rule (bearer/issuer-urls.ts).
 */
@Injectable()
export class AuthorizationServerMetadata implements IssuerDiscovery {
  private cached?: { readonly configuration: oauth.Configuration; readonly expiresAt: number };
  private pending?: Promise<oauth.Configuration>;
  private readonly urls: IssuerUrls;

  constructor(
    @Inject(SHARED_CONFIG) private readonly config: SharedConfig,
    @Inject(MCP_CONFIG) private readonly mcp: McpConfig,
  ) {
    this.urls = new IssuerUrls(config.issuer, config.issuerInternalUrl);
  }

  /** The openid-client configuration for back-channel calls, as this server's client. */
  async configuration(): Promise<oauth.Configuration> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.configuration;
    this.pending ??= this.discover().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The metadata as clients must see it: every URL in it under the public issuer. */
  async forClients(): Promise<oauth.ServerMetadata> {
    const metadata = (await this.configuration()).serverMetadata();
    const publicUrl = (value: unknown) =>
      typeof value === 'string' ? this.urls.toPublic(value) : value;
    return Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [key, publicUrl(value)]),
    ) as oauth.ServerMetadata;
  }

  /** For the bearer module: the keys' URL on the back channel, the DPoP algorithms. */
  async issuerMetadata(): Promise<IssuerMetadata> {
    const metadata = (await this.configuration()).serverMetadata();
    if (typeof metadata.jwks_uri !== 'string') {
      throw new UpstreamError(
        'auth_server_unavailable',
        'authorization server metadata names no jwks_uri',
      );
    }
    return {
      jwksUri: this.urls.toInternal(metadata.jwks_uri),
      dpopSigningAlgs: dpopSigningAlgsOf(metadata.dpop_signing_alg_values_supported),
    };
  }

  private async discover(): Promise<oauth.Configuration> {
    const { issuer, clientIds } = this.config;
    let configuration: oauth.Configuration;
    try {
      configuration = await oauth.discovery(
        new URL(issuer),
        clientIds.mcpServer,
        undefined,
        await clientAuthentication(this.mcp),
        {
          algorithm: 'oauth2',
          timeout: TIMEOUT_S,
          // Discovery runs against the public issuer identifier, so openid-client still checks
          // that the metadata names exactly that issuer (RFC 8414 §3.3); the bytes travel over
          // the back channel.
          [oauth.customFetch]: (url, options) => fetch(this.urls.toInternal(url), options),
          execute: this.urls.plainHttp ? [oauth.allowInsecureRequests] : [],
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
}
