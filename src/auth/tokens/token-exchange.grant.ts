import {
  errors,
  type AccessToken,
  type ClientCredentials,
  type Provider,
  type TokenEndpointGrantContext,
} from 'oidc-provider';
import { IssuedTokenError, IssuedTokenVerifier } from './issued-tokens';
import { ResourceRegistry } from '../provider/resources';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The `gty` exchanged access tokens carry, so their claims can be told apart when issued. */
const EXCHANGED_GTY = 'token_exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'resource',
  'audience',
  'scope',
  'actor_token',
  'actor_token_type',
] as const;

type ExchangeParams = Partial<Record<(typeof PARAMETERS)[number], string>>;

/** Which client may exchange tokens of which audience, for which target resources. */
export interface ExchangePolicy {
  readonly clientId: string;
  readonly subjectAudience: string;
  readonly targets: readonly string[];
  readonly ttlSeconds: number;
}

/**
 * RFC 8693 token exchange, for a resource server that must call another one on the user's
 * behalf without passing the user's token on (MCP authorization spec, "token passthrough").
 * The new token keeps the subject, narrows the scope to what the subject token held, and names
 * the exchanging client in `act` (RFC 8693 §4.1).
 */
export function registerTokenExchange(
  provider: Provider,
  verifier: IssuedTokenVerifier,
  resources: ResourceRegistry,
  policies: readonly ExchangePolicy[],
): void {
  const handler = async (ctx: TokenEndpointGrantContext<ExchangeParams>) => {
    const { client, params } = ctx.oidc;
    const policy = policies.find((p) => p.clientId === client.clientId);
    if (!policy) throw new errors.UnauthorizedClient('client may not exchange tokens');

    if (!params.subject_token)
      throw new errors.InvalidRequest('missing required parameter subject_token');
    if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    if (params.actor_token) throw new errors.InvalidRequest('actor_token is not supported');
    if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }

    const targetIndicator = params.resource ?? params.audience;
    if (!targetIndicator) throw new errors.InvalidTarget('resource (or audience) is required');
    const target = resources.find(targetIndicator);
    if (!target || !policy.targets.includes(target.id)) {
      throw new errors.InvalidTarget('token exchange to this resource is not allowed');
    }

    let subject;
    try {
      subject = await verifier.verify(params.subject_token, { audience: policy.subjectAudience });
    } catch (error) {
      if (error instanceof IssuedTokenError) {
        // RFC 8693 §2.2.2: an unacceptable subject token is invalid_request.
        throw new errors.InvalidRequest(`subject_token rejected: ${error.code}`);
      }
      throw error;
    }

    const held = new Set((subject.scope ?? '').split(' ').filter(Boolean));
    const offered = target.scopes.filter((s) => held.has(s));
    const requested = params.scope?.split(' ').filter(Boolean);
    if (requested?.some((s) => !offered.includes(s))) {
      throw new errors.InvalidScope(
        'requested scope exceeds the subject token',
        requested.join(' '),
      );
    }
    const scope = (requested ?? offered).join(' ');

    const now = Math.floor(Date.now() / 1000);
    const ceiling = Math.min(policy.ttlSeconds, target.ttlSeconds ?? policy.ttlSeconds);
    const ttl = Math.max(1, Math.min(ceiling, subject.exp - now));
    const token = new provider.AccessToken({
      client,
      accountId: subject.sub,
      // The subject's grant: revoking it revokes the exchanged token too.
      grantId: subject.gid ?? '',
      gty: EXCHANGED_GTY,
      scope,
      resourceServer: new provider.ResourceServer(target.id, resources.serverInfo(target.id, ttl)),
    });

    ctx.body = {
      access_token: await token.save(),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: token.expiration,
      scope,
    };
  };

  provider.registerGrantType(TOKEN_EXCHANGE_GRANT, handler, PARAMETERS);
}

/**
 * The `extraTokenClaims` hook: RFC 8693 §4.1 `act` names the client that exchanged the token.
 * oidc-provider computes a token's extra claims from this hook when it saves the token, so
 * claims assigned to `token.extra` inside the grant would be replaced.
 */
export function exchangedTokenClaims(token: AccessToken | ClientCredentials) {
  if (!('gty' in token) || token.gty !== EXCHANGED_GTY) return undefined;
  return { act: { sub: token.clientId } };
}
