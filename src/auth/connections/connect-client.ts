import * as oidc from 'openid-client';
import { UpstreamDiscovery } from '../federation/upstream-discovery';
import type { UpstreamIdp } from '../federation/upstream-idp';
import { ConnectionError } from './connection.error';

/** Seconds per upstream request: a slow upstream costs one tool call a 503, not a hang. */
const TIMEOUT_SECONDS = 5;

/** The upstream's tokens for one user, as the vault seals them. */
export interface UpstreamTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Epoch milliseconds; undefined when the upstream did not say. */
  readonly expiresAt: number | undefined;
  readonly scope: string;
}

/**
 * The OAuth 2 client side of connecting an account, through openid-client: authorization code
 * with PKCE (RFC 7636) and state, the RFC 9207 `iss` check, refresh (RFC 6749 §6) and
 * revocation (RFC 7009) where the upstream's metadata (RFC 8414) advertises it.
 */
export class ConnectClient {
  private readonly discovery: UpstreamDiscovery;

  constructor(
    fetch: typeof globalThis.fetch,
    private readonly redirectUri: string,
    /** Discovery documents kept at most (DISCOVERY_DOCUMENTS_MAX). */
    maxDiscoveries: number,
  ) {
    this.discovery = new UpstreamDiscovery(fetch, {
      timeoutSeconds: TIMEOUT_SECONDS,
      maxDiscoveries,
    });
  }

  async start(idp: UpstreamIdp, scopes: readonly string[]) {
    const config = await this.configuration(idp);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      // OpenID Connect Core §11: offline_access is ignored unless the user is asked to consent.
      ...(scopes.includes('offline_access') ? { prompt: 'consent' } : {}),
    });
    return { url: url.href, state, codeVerifier };
  }

  async finish(idp: UpstreamIdp, callback: URL, state: string, codeVerifier: string) {
    const config = await this.configuration(idp);
    const iss = callback.searchParams.get('iss');
    // RFC 9207 §2.4: an answer naming another issuer is a mix-up attack.
    if (iss !== null && iss !== config.serverMetadata().issuer) {
      throw new ConnectionError('upstream_refused', 'the answer came from a different issuer');
    }
    return tokensOf(
      await call(() =>
        oidc.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
        }),
      ),
    );
  }

  async refresh(idp: UpstreamIdp, refreshToken: string, scope: string): Promise<UpstreamTokens> {
    const config = await this.configuration(idp);
    const fresh = tokensOf(await call(() => oidc.refreshTokenGrant(config, refreshToken)));
    // RFC 6749 §6: the upstream may keep the refresh token and the scope as they were.
    return {
      ...fresh,
      refreshToken: fresh.refreshToken ?? refreshToken,
      scope: fresh.scope || scope,
    };
  }

  /** RFC 7009, when the upstream advertises a revocation endpoint; false when it does not. */
  async revoke(idp: UpstreamIdp, token: string, hint: 'refresh_token' | 'access_token') {
    const config = await this.configuration(idp);
    if (!config.serverMetadata().revocation_endpoint) return false;
    await call(() => oidc.tokenRevocation(config, token, { token_type_hint: hint }));
    return true;
  }

  private configuration(idp: UpstreamIdp): Promise<oidc.Configuration> {
    return call(() => this.discovery.configuration(idp));
  }
}

function tokensOf(response: oidc.TokenEndpointResponse): UpstreamTokens {
  if (response.token_type.toLowerCase() !== 'bearer') {
    throw new ConnectionError('upstream_refused', 'the upstream issued no bearer token');
  }
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresAt:
      response.expires_in === undefined ? undefined : Date.now() + response.expires_in * 1000,
    scope: response.scope ?? '',
  };
}

/** An OAuth error answer is a refusal; anything else means the upstream is not usable now. */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConnectionError) throw error;
    if (
      error instanceof oidc.ResponseBodyError ||
      error instanceof oidc.AuthorizationResponseError ||
      (error instanceof oidc.ClientError && !isNetwork(error))
    ) {
      throw new ConnectionError('upstream_refused', 'the upstream refused', { cause: error });
    }
    throw new ConnectionError('upstream_unavailable', 'the upstream is unreachable', {
      cause: error,
    });
  }
}

function isNetwork(error: Error): boolean {
  const cause = error.cause;
  return cause instanceof TypeError || (cause instanceof Error && cause.name === 'TimeoutError');
}
