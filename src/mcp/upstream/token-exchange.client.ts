import { Inject, Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import * as oauth from 'openid-client';
import type { SharedConfig } from '../../config/config';
import { SHARED_CONFIG } from '../../config/config.module';
import { Principal } from '../../bearer/principal';
import { Metrics, secondsSince } from '../../core/metrics/metrics';
import { AuthorizationServerMetadata } from './authorization-server-metadata';
import { ExpiringCache, Expiring } from './expiring-cache';
import { McpDpopKey } from './mcp-dpop-key';
import { UpstreamError } from './upstream.error';

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Gets the MCP server its own token for a downstream resource by RFC 8693 token exchange: it
 * authenticates as its confidential client and presents the caller's token as
 * `subject_token`. The caller's token itself is never sent anywhere else (MCP authorization
 * spec, "Token Passthrough"). The request carries a DPoP proof of this server's key, so the
 * issued token is bound to it (RFC 9449 §5) and worthless to whoever finds it without the key.
 * Tokens are cached per subject token, target and scope until shortly before they expire.
 */
@Injectable()
export class TokenExchangeClient {
  private readonly cache: ExpiringCache<string>;
  /** openid-client's DPoP handles keep the token endpoint's nonce, one per discovery. */
  private readonly handles = new WeakMap<oauth.Configuration, oauth.DPoPHandle>();

  constructor(
    private readonly metadata: AuthorizationServerMetadata,
    private readonly metrics: Metrics,
    private readonly dpopKey: McpDpopKey,
    @Inject(SHARED_CONFIG) { caches }: SharedConfig,
  ) {
    this.cache = new ExpiringCache<string>({
      maxEntries: caches.exchangedTokens,
      marginMs: 30_000,
      onLookup: (result) => metrics.exchangeCacheLookup(result),
    });
  }

  /**
   * `scope` must name at least one scope: without one the AuthServer would issue every scope
   * of the resource that the caller's token holds (RFC 8693 §2.1), more than any one call needs.
   */
  tokenFor(caller: Principal, resource: string, scope: string, bound: boolean): Promise<string> {
    if (!scope.trim()) {
      return Promise.reject(new Error('a token exchange must name the scopes it needs'));
    }
    return this.cache.getOrCreate(this.key(caller, resource, scope), () =>
      this.measuredExchange(caller.token, resource, scope, bound),
    );
  }

  /**
   * The user's own upstream token for an API that trusts another authorization server, never
   * cached here: a disconnect at the AuthServer must take effect at the next call.
   */
  connectedTokenFor(caller: Principal, resource: string, scope: string): Promise<string> {
    return this.measuredExchange(caller.token, resource, scope, false).then((token) => token.value);
  }

  /** Drops a cached token the downstream resource refused (revoked, keys rotated). */
  forget(caller: Principal, resource: string, scope: string): void {
    this.cache.delete(this.key(caller, resource, scope));
  }

  private key(caller: Principal, resource: string, scope: string): string {
    const subject = hash('sha256', caller.token, 'base64url');
    return `${subject} ${resource} ${scope}`;
  }

  private async measuredExchange(
    subjectToken: string,
    resource: string,
    scope: string,
    bound: boolean,
  ): Promise<Expiring<string>> {
    const start = performance.now();
    try {
      const token = await this.exchange(subjectToken, resource, scope, bound);
      this.metrics.tokenExchange('issued', secondsSince(start));
      return token;
    } catch (error) {
      const refused = error instanceof UpstreamError && error.code !== 'auth_server_unavailable';
      this.metrics.tokenExchange(refused ? 'refused' : 'unavailable', secondsSince(start));
      throw error;
    }
  }

  private async exchange(
    subjectToken: string,
    resource: string,
    scope: string,
    bound: boolean,
  ): Promise<Expiring<string>> {
    const configuration = await this.metadata.configuration();
    let response: oauth.TokenEndpointResponse;
    try {
      // RFC 8693 §2.1; openid-client authenticates with client_secret_basic (RFC 6749 §2.3.1),
      // adds the DPoP proof and answers one use_dpop_nonce error (RFC 9449 §8) by itself.
      response = await oauth.genericGrantRequest(
        configuration,
        GRANT_TYPE,
        {
          subject_token: subjectToken,
          subject_token_type: ACCESS_TOKEN_TYPE,
          requested_token_type: ACCESS_TOKEN_TYPE,
          resource,
          scope,
        },
        bound ? { DPoP: this.handle(configuration) } : {},
      );
    } catch (error) {
      throw exchangeFailure(error);
    }
    // RFC 8693 §2.2.1: the issued token must be the access token asked for, bound to this
    // server's key (RFC 9449 §5: token_type DPoP), with a lifetime the cache can honour. An
    // unbound token would be one that anybody who saw it could use.
    if (
      response.token_type !== (bound ? 'dpop' : 'bearer') ||
      response.issued_token_type !== ACCESS_TOKEN_TYPE ||
      response.expires_in === undefined
    ) {
      throw new UpstreamError(
        'auth_server_unavailable',
        'token exchange answered with an unusable token response',
      );
    }
    return { value: response.access_token, expiresAt: Date.now() + response.expires_in * 1000 };
  }

  private handle(configuration: oauth.Configuration): oauth.DPoPHandle {
    let handle = this.handles.get(configuration);
    if (!handle) {
      handle = oauth.getDPoPHandle(configuration, this.dpopKey.keyPair);
      this.handles.set(configuration, handle);
    }
    return handle;
  }
}

/**
 * An OAuth error answer below 500 (RFC 6749 §5.2, or a 401 challenge) means the AuthServer
 * refused this exchange; anything else (unreachable, 5xx, malformed answer) means it is not
 * usable right now.
 */
function exchangeFailure(error: unknown): UpstreamError {
  if (
    (error instanceof oauth.ResponseBodyError ||
      error instanceof oauth.WWWAuthenticateChallengeError) &&
    error.status < 500
  ) {
    const reason = error instanceof oauth.ResponseBodyError ? error.error : `HTTP ${error.status}`;
    // The extension error of the AuthServer's vault (auth/tokens/vault-token.ts).
    if (reason === 'connection_required') {
      return new UpstreamError('connection_required', 'no connected account', { cause: error });
    }
    return new UpstreamError('exchange_refused', `token exchange refused: ${reason}`, {
      cause: error,
    });
  }
  return new UpstreamError('auth_server_unavailable', 'token exchange request failed', {
    cause: error,
  });
}
