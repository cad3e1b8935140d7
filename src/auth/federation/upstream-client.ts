import * as oidc from 'openid-client';
import { FederationError } from './federation.error';
import { UpstreamDiscovery } from './upstream-discovery';
import { UpstreamBodyTooLarge } from './upstream-fetch';
import type { UpstreamIdp } from './upstream-idp';

/** What the browser carries to the upstream and we keep (server-side) to check the answer. */
export interface AuthorizationStart {
  readonly url: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface Checks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/**
 * The relying-party side of OpenID Connect against an upstream, through openid-client:
 * authorization code with PKCE (RFC 7636), state, nonce, the RFC 9207 `iss` check and a
 * verified ID token signature (enableNonRepudiationChecks: without it the ID token from the
 * token endpoint is trusted on TLS alone, and `alg: none` or a forged signature would pass).
 */
export class UpstreamClient {
  private readonly discovery: UpstreamDiscovery;

  constructor(
    fetch: typeof globalThis.fetch,
    private readonly redirectUri: string,
    /** Per upstream request (FEDERATION_TIMEOUT_SECONDS): a slow IdP gets a retry page. */
    timeoutSeconds: number,
    /** Discovery documents kept at most (DISCOVERY_DOCUMENTS_MAX). */
    maxDiscoveries: number,
  ) {
    this.discovery = new UpstreamDiscovery(fetch, {
      timeoutSeconds,
      maxDiscoveries,
      metadata: { id_token_signed_response_alg: 'RS256' },
      prepare: (config) => oidc.enableNonRepudiationChecks(config),
    });
  }

  async start(idp: UpstreamIdp, loginHint: string | undefined): Promise<AuthorizationStart> {
    const config = await this.configuration(idp);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: idp.scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** The upstream's verified ID token claims for the authorization response in `callback`. */
  async finish(idp: UpstreamIdp, callback: URL, checks: Checks): Promise<oidc.IDToken> {
    const config = await this.configuration(idp);
    // RFC 9207 §2.4: an `iss` naming another issuer is a mix-up attack; refuse it by name here
    // (openid-client refuses it too) so the page and the audit log say what happened.
    const iss = callback.searchParams.get('iss');
    if (iss !== null && iss !== config.serverMetadata().issuer) {
      throw new FederationError('wrong_issuer', 'The answer came from a different issuer.');
    }
    const tokens = await this.call(() =>
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      }),
    );
    const claims = tokens.claims();
    if (!claims) throw new FederationError('invalid_id_token', 'No ID token came back.');
    return claims;
  }

  private configuration(idp: UpstreamIdp): Promise<oidc.Configuration> {
    return this.call(() => this.discovery.configuration(idp));
  }

  /** openid-client's failures as our codes, decided by error class and code, never message. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw classify(error);
    }
  }
}

function classify(error: unknown): FederationError {
  if (error instanceof FederationError) return error;
  const chain = causes(error);
  if (chain.some((e) => e.name === 'TimeoutError' || e.name === 'AbortError'))
    return new FederationError('timeout', 'The identity provider did not answer in time.');
  // Before the ClientError branch: openid-client wraps fetch's failure in a ClientError.
  if (chain.some((e) => NETWORK_FAILURES.has(e.code)))
    return new FederationError('unreachable', 'The identity provider could not be reached.');
  if (chain.some((e) => e.error instanceof UpstreamBodyTooLarge))
    return new FederationError('invalid_response', 'The identity provider answered too much.');
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError)
    return new FederationError('upstream_refused', 'The identity provider refused the sign-in.');
  if (error instanceof oidc.ClientError) {
    const code = (error as { code?: string }).code;
    if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' || code === 'OAUTH_INVALID_RESPONSE')
      return new FederationError(
        'invalid_id_token',
        'The identity provider’s answer failed its checks.',
      );
    if (code === 'OAUTH_RESPONSE_IS_NOT_JSON' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM')
      return new FederationError('invalid_response', 'The identity provider answered nonsense.');
    return new FederationError(
      'invalid_id_token',
      'The identity provider’s answer failed its checks.',
    );
  }
  return new FederationError('invalid_response', 'The identity provider’s answer was not usable.');
}

/**
 * Socket and DNS failures under fetch's `TypeError: fetch failed`, by their system or undici
 * code: the TypeError itself may come from another realm (a test sandbox), where instanceof fails.
 */
const NETWORK_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The error and its causes; DOMException (timeouts) is checked by name, not class. */
function causes(error: unknown): { name: string; code: string; error: unknown }[] {
  const chain: { name: string; code: string; error: unknown }[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 8) {
    const { name, code, cause } = current as { name?: unknown; code?: unknown; cause?: unknown };
    chain.push({
      name: typeof name === 'string' ? name : '',
      code: typeof code === 'string' ? code : '',
      error: current,
    });
    current = cause;
  }
  return chain;
}
