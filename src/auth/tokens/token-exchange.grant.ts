import {
  errors,
  type AccessToken,
  type ClientCredentials,
  type Provider,
  type TokenEndpointGrantContext,
} from 'oidc-provider';
import type { ExchangeProofs } from './exchange-dpop';
import { IssuedAccessToken, IssuedTokenError, IssuedTokenVerifier } from './issued-tokens';
import { ID_JAG_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../catalog/grant-types';
import { ProtectedResource, ResourceRegistry } from '../catalog/resources';
import {
  ACCESS_TOKEN_TYPE,
  EXCHANGE_PARAMETERS,
  type ExchangeParams,
  narrowScope,
  parseExchangeRequest,
} from './token-exchange.request';
import type { ConnectedAccounts } from '../connections/connected-accounts';
import { resourceServerInfo } from './resource-server';
import { vaultTokenResponse } from './vault-token';

/** Who exchanged whose token for which API (never the tokens). */
export interface TokenExchanged {
  readonly clientId: string;
  readonly subject: string;
  readonly audience: string;
  readonly scopes: readonly string[];
}

/** The `gty` exchanged access tokens carry, so their claims can be told apart when issued. */
const EXCHANGED_GTY = 'token_exchange';

/** Which client may exchange tokens of which audience, for which target resources. */
export interface ExchangePolicy {
  readonly clientId: string;
  readonly subjectAudience: string;
  readonly targets: readonly string[];
  readonly ttlSeconds: number;
}

interface ExchangeDependencies {
  readonly provider: Provider;
  /** Binds the issued token to the request's DPoP proof key (RFC 9449 §5). */
  readonly proofs: ExchangeProofs;
  readonly verifier: IssuedTokenVerifier;
  readonly resources: ResourceRegistry;
  readonly policies: readonly ExchangePolicy[];
  /** Told of each exchange, for the audit log. */
  readonly onExchanged?: (exchange: TokenExchanged) => void;
  /** SEP-990: issues an ID-JAG when one is the requested token type (idjag/idjag.exchange.ts). */
  readonly idJag?: (ctx: TokenEndpointGrantContext<ExchangeParams>) => Promise<void>;
  /** Resources that trust another authorization server: their tokens come from the vault. */
  readonly connected?: {
    readonly vault: ConnectedAccounts;
    /** Resource -> the upstream provider its API trusts. */
    readonly providers: ReadonlyMap<string, string>;
  };
}

/**
 * RFC 8693 token exchange, for a resource server that must call another one on the user's
 * behalf without passing the user's token on (MCP authorization spec, "token passthrough").
 * The new token keeps the subject, narrows the scope to what the subject token held, and names
 * the exchanging client in `act` (RFC 8693 §4.1).
 */
export function registerTokenExchange(deps: ExchangeDependencies): void {
  const handler = async (ctx: TokenEndpointGrantContext<ExchangeParams>) => {
    const { client, params } = ctx.oidc;
    // RFC 8693 §2.1 requested_token_type picks what is issued.
    if (params.requested_token_type === ID_JAG_TOKEN_TYPE && deps.idJag) return deps.idJag(ctx);
    const policy = policyFor(deps.policies, client.clientId);
    const request = parseExchangeRequest(params);
    const target = allowedTarget(deps.resources, policy, request.targetIndicator);
    const subject = await verifySubject(deps.verifier, request.subjectToken, policy);
    const scope = narrowScope(subject.scope, target.scopes, request.requestedScopes);
    const upstream = deps.connected?.providers.get(target.id);
    if (deps.connected && upstream) {
      ctx.body = await vaultTokenResponse(deps.connected.vault, subject.sub, upstream);
      deps.onExchanged?.({
        clientId: client.clientId,
        subject: subject.sub,
        audience: target.id,
        scopes: scope.split(' ').filter(Boolean),
      });
      return;
    }

    const token = new deps.provider.AccessToken({
      client,
      accountId: subject.sub,
      // The subject's grant and the subject token itself: revoking either (a grant revocation,
      // RFC 7009 for the subject token) revokes the exchanged token too.
      grantId: subject.gid ?? '',
      extra: { exchanged_from: subject.jti },
      gty: EXCHANGED_GTY,
      scope,
      resourceServer: new deps.provider.ResourceServer(
        target.id,
        resourceServerInfo(deps.resources, target.id, exchangedTtl(policy, target, subject)),
      ),
    });

    await deps.proofs.bind(ctx, token);
    const accessToken = await token.save();
    deps.onExchanged?.({
      clientId: client.clientId,
      subject: subject.sub,
      audience: target.id,
      scopes: scope.split(' ').filter(Boolean),
    });
    ctx.body = {
      access_token: accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      // DPoP when bound to the client's proof key (RFC 9449 §5).
      token_type: token.tokenType,
      expires_in: token.expiration,
      scope,
    };
  };

  deps.provider.registerGrantType(TOKEN_EXCHANGE_GRANT, handler, EXCHANGE_PARAMETERS);
}

function policyFor(policies: readonly ExchangePolicy[], clientId: string): ExchangePolicy {
  const policy = policies.find((p) => p.clientId === clientId);
  // RFC 6749 §5.2: the client is not authorized to use this grant type.
  if (!policy) throw new errors.UnauthorizedClient('client may not exchange tokens');
  return policy;
}

function allowedTarget(
  resources: ResourceRegistry,
  policy: ExchangePolicy,
  indicator: string,
): ProtectedResource {
  const target = resources.find(indicator);
  if (!target || !policy.targets.includes(target.id)) {
    throw new errors.InvalidTarget('token exchange to this resource is not allowed');
  }
  return target;
}

async function verifySubject(
  verifier: IssuedTokenVerifier,
  subjectToken: string,
  policy: ExchangePolicy,
): Promise<IssuedAccessToken> {
  try {
    return await verifier.verify(subjectToken, { audience: policy.subjectAudience });
  } catch (error) {
    // RFC 8693 §2.2.2: an unacceptable subject token is invalid_request.
    if (error instanceof IssuedTokenError) {
      throw new errors.InvalidRequest(`subject_token rejected: ${error.code}`);
    }
    throw error;
  }
}

/**
 * Never longer than the policy allows, than the target API wants its tokens to live, nor than
 * the subject token still lives.
 */
function exchangedTtl(
  policy: ExchangePolicy,
  target: ProtectedResource,
  subject: IssuedAccessToken,
): number {
  const now = Math.floor(Date.now() / 1000);
  const ceiling = Math.min(policy.ttlSeconds, target.ttlSeconds ?? policy.ttlSeconds);
  return Math.max(1, Math.min(ceiling, subject.exp - now));
}

/**
 * The `extraTokenClaims` hook: RFC 8693 §4.1 `act` names the client that exchanged the token,
 * and `exchanged_from` the subject token's `jti`, which the revocation checks consult
 * (storage/revocation-view.ts). oidc-provider replaces `token.extra` with what this hook
 * returns when it saves the token, so the grant's `extra` is read here and carried over.
 */
export function exchangedTokenClaims(token: AccessToken | ClientCredentials) {
  if (!('gty' in token) || token.gty !== EXCHANGED_GTY) return undefined;
  const subjectJti = token.extra?.exchanged_from;
  return {
    act: { sub: token.clientId },
    ...(typeof subjectJti === 'string' ? { exchanged_from: subjectJti } : {}),
  };
}
