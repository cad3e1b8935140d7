import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { MCP_CONFIG, SHARED_CONFIG } from '../../config/config.module';
import type { McpConfig, SharedConfig } from '../../config/config';
import { Principal } from '../../bearer/principal';
import { AuthorizationServerMetadata } from '../metadata/authorization-server-metadata';
import { ExpiringCache, Expiring } from './expiring-cache';
import { UpstreamError } from './upstream.error';

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const TIMEOUT_MS = 10_000;

interface ExchangeResponse {
  readonly access_token?: unknown;
  readonly token_type?: unknown;
  readonly expires_in?: unknown;
  readonly issued_token_type?: unknown;
  readonly error?: unknown;
  readonly error_description?: unknown;
}

/**
 * Gets the MCP server its own token for a downstream resource by RFC 8693 token exchange: it
 * authenticates as its confidential client and presents the caller's token as
 * `subject_token`. The caller's token itself is never sent anywhere else (MCP authorization
 * spec, "Token Passthrough"). Tokens are cached per subject token, target and scope until
 * shortly before they expire.
 */
@Injectable()
export class TokenExchangeClient {
  private readonly cache = new ExpiringCache<string>({ maxEntries: 1000, marginMs: 30_000 });

  constructor(
    @Inject(SHARED_CONFIG) private readonly shared: SharedConfig,
    @Inject(MCP_CONFIG) private readonly config: McpConfig,
    private readonly metadata: AuthorizationServerMetadata,
  ) {}

  tokenFor(caller: Principal, resource: string, scope: string): Promise<string> {
    return this.cache.getOrCreate(this.key(caller, resource, scope), () =>
      this.exchange(caller.token, resource, scope),
    );
  }

  /** Drops a cached token the downstream resource refused (revoked, keys rotated). */
  forget(caller: Principal, resource: string, scope: string): void {
    this.cache.delete(this.key(caller, resource, scope));
  }

  private key(caller: Principal, resource: string, scope: string): string {
    const subject = createHash('sha256').update(caller.token).digest('base64url');
    return `${subject} ${resource} ${scope}`;
  }

  private async exchange(
    subjectToken: string,
    resource: string,
    scope: string,
  ): Promise<Expiring<string>> {
    const { token_endpoint: endpoint } = await this.metadata.get();
    const clientId = this.shared.clientIds.mcpServer;
    // RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64.
    const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(this.config.clientSecret)}`;
    let response: Response;
    let body: ExchangeResponse;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: GRANT_TYPE,
          subject_token: subjectToken,
          subject_token_type: ACCESS_TOKEN_TYPE,
          requested_token_type: ACCESS_TOKEN_TYPE,
          resource,
          scope,
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      body = (await response.json()) as ExchangeResponse;
    } catch (error) {
      throw new UpstreamError('auth_server_unavailable', 'token exchange request failed', {
        cause: error,
      });
    }

    if (!response.ok) {
      const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
      const code = response.status >= 500 ? 'auth_server_unavailable' : 'exchange_refused';
      throw new UpstreamError(code, `token exchange refused: ${reason}`);
    }
    if (
      typeof body.access_token !== 'string' ||
      typeof body.expires_in !== 'number' ||
      String(body.token_type).toLowerCase() !== 'bearer' ||
      body.issued_token_type !== ACCESS_TOKEN_TYPE
    ) {
      throw new UpstreamError(
        'auth_server_unavailable',
        'token exchange answered with an unusable token response',
      );
    }
    return { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  }
}
