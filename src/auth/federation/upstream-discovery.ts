import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { DiscoveryCache } from './discovery-cache';
import { cappedFetch } from './upstream-fetch';
import type { UpstreamIdp } from './upstream-idp';

/** Discovery documents are kept this long; a failed discovery is never kept. */
const DISCOVERY_TTL_MS = 10 * 60_000;

export interface UpstreamDiscoveryOptions {
  /** Per upstream request: a slow upstream costs its caller a timeout, not a hang. */
  readonly timeoutSeconds: number;
  /** Discovery documents kept at most (DISCOVERY_DOCUMENTS_MAX). */
  readonly maxDiscoveries: number;
  /** Client metadata beyond the id and secret (what the upstream must sign ID tokens with). */
  readonly metadata?: Partial<oidc.ClientMetadata>;
  /** Applied to each new configuration before it is kept (openid-client's optional checks). */
  readonly prepare?: (config: oidc.Configuration) => void;
}

/**
 * openid-client configurations for upstream authorization servers (RFC 8414, OpenID Connect
 * Discovery), one per upstream's settings: every body read through the cap, every request
 * under the timeout, client_secret_post. Failures are openid-client's, for the caller to map.
 */
export class UpstreamDiscovery {
  private readonly configs: DiscoveryCache<oidc.Configuration>;
  private readonly fetch: typeof globalThis.fetch;

  constructor(
    fetch: typeof globalThis.fetch,
    private readonly options: UpstreamDiscoveryOptions,
  ) {
    this.fetch = cappedFetch(fetch);
    this.configs = new DiscoveryCache(options.maxDiscoveries, DISCOVERY_TTL_MS);
  }

  async configuration(idp: UpstreamIdp): Promise<oidc.Configuration> {
    const key = cacheKey(idp);
    const cached = this.configs.get(key);
    if (cached) return cached;
    const { timeoutSeconds, metadata, prepare } = this.options;
    const config = await oidc.discovery(
      new URL(idp.issuer),
      idp.clientId,
      metadata,
      oidc.ClientSecretPost(idp.clientSecret),
      {
        [oidc.customFetch]: this.fetch,
        timeout: timeoutSeconds,
        // Plain HTTP only for an issuer on this machine (the upstream schema allows no other).
        ...(new URL(idp.issuer).protocol === 'http:'
          ? { execute: [oidc.allowInsecureRequests] }
          : {}),
      },
    );
    config.timeout = timeoutSeconds;
    prepare?.(config);
    this.configs.set(key, config);
    return config;
  }
}

/** A changed issuer, client or secret must not reuse the old discovery. */
function cacheKey(idp: UpstreamIdp): string {
  return createHash('sha256')
    .update(JSON.stringify([idp.slug, idp.issuer, idp.clientId, idp.clientSecret]))
    .digest('base64url');
}
