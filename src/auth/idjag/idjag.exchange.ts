import { randomUUID } from 'node:crypto';
import { base64url, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { errors, type TokenEndpointGrantContext } from 'oidc-provider';
import type { TrustStore } from '../../storage/trust-store';
import type { SigningKeyRing } from '../keys/signing-key-ring';
import type { ExchangeParams } from '../tokens/token-exchange.request';
import type { UserClaims } from '../users/users';
import {
  idJagAudienceFrom,
  ID_JAG_TOKEN_TYPE,
  ID_JAG_TYP,
  type IdJagAudience,
} from './idjag-trust';

export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** Our ID tokens are signed as oidc-provider signs them with the ring's keys. */
const ID_TOKEN_ALGORITHMS = ['RS256'];

export interface IdJagIssuance {
  readonly trust: TrustStore;
  readonly signingKeys: SigningKeyRing;
  readonly findUser: (sub: string) => Promise<UserClaims | undefined>;
  /** Told of each ID-JAG issued (`clientId`: the requesting client), for the audit log. */
  readonly onIssued?: (issued: { subject: string; audience: string; clientId: string }) => void;
}

/**
 * draft-ietf-oauth-identity-assertion-authz-grant §4.3, as the identity provider: an RFC 8693
 * exchange of an ID token we issued to the requesting client for an ID-JAG to present to
 * another authorization server (`audience`), for an audience and client the operator allowed.
 * The ID-JAG is signed with our signing keys, typed `oauth-id-jag+jwt` (RFC 8725 §3.11), and
 * names the client as that server knows it.
 */
export function issueIdJag(deps: IdJagIssuance) {
  return async (ctx: TokenEndpointGrantContext<ExchangeParams>): Promise<void> => {
    const { client, params, issuer } = ctx.oidc;
    if (params.subject_token_type !== ID_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`subject_token_type must be ${ID_TOKEN_TYPE} for an ID-JAG`);
    }
    if (!params.subject_token) throw new errors.InvalidRequest('subject_token is required');
    if (params.actor_token) throw new errors.InvalidRequest('actor_token is not supported');
    const audience = await allowedAudience(deps.trust, params.audience, issuer, client.clientId);
    const resource = params.resource;
    if (
      resource !== undefined &&
      audience.resources.length > 0 &&
      !audience.resources.includes(resource)
    ) {
      throw new errors.InvalidTarget('an ID-JAG for this resource is not allowed');
    }
    const idToken = await verifiedIdToken(
      deps.signingKeys,
      params.subject_token,
      issuer,
      client.clientId,
    );
    const user = await deps.findUser(idToken.sub);
    if (!user) throw new errors.InvalidRequest('subject_token rejected: the user cannot sign in');
    const scope = allowedScope(audience, params.scope);

    const now = Math.floor(Date.now() / 1000);
    const jag = await sign(deps.signingKeys, {
      iss: issuer,
      sub: user.sub,
      aud: audience.audience,
      client_id: audience.clientId,
      jti: randomUUID(),
      iat: now,
      exp: now + audience.ttlSeconds,
      ...(resource !== undefined ? { resource } : {}),
      scope,
      ...(typeof idToken.auth_time === 'number' ? { auth_time: idToken.auth_time } : {}),
      ...(user.email ? { email: user.email, email_verified: user.email_verified === true } : {}),
      ...(user.name ? { name: user.name } : {}),
    });
    deps.onIssued?.({ subject: user.sub, audience: audience.audience, clientId: client.clientId });
    // §4.3.2: token_type N_A, as the ID-JAG is not an access token; no refresh token.
    ctx.body = {
      access_token: jag,
      issued_token_type: ID_JAG_TOKEN_TYPE,
      token_type: 'N_A',
      expires_in: audience.ttlSeconds,
      scope,
    };
  };
}

async function allowedAudience(
  trust: TrustStore,
  requested: string | undefined,
  ourIssuer: string,
  clientId: string,
): Promise<IdJagAudience> {
  if (!requested)
    throw new errors.InvalidRequest('audience (the authorization server) is required');
  // §6.3: never an ID-JAG for ourselves, which would turn an ID token into an access token.
  if (requested === ourIssuer) throw new errors.InvalidTarget('audience must be another server');
  const entry = requested.length <= 512 ? await trust.find('idjag_audience', requested) : undefined;
  const audience = entry ? idJagAudienceFrom(entry.document) : undefined;
  // RFC 8693 §2.2.2: an unacceptable audience is invalid_target.
  if (!audience) throw new errors.InvalidTarget('ID-JAGs for this audience are not allowed');
  if (!audience.clients.includes(clientId)) {
    throw new errors.UnauthorizedClient('this client may not get ID-JAGs for this audience');
  }
  return audience;
}

/** §4.3.1: the ID token must be ours and issued to the client that presents it. */
async function verifiedIdToken(
  keys: SigningKeyRing,
  token: string,
  issuer: string,
  clientId: string,
): Promise<JWTPayload & { sub: string }> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys.verificationKey, {
      issuer,
      audience: clientId,
      algorithms: ID_TOKEN_ALGORITHMS,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    // An access token is signed by the same keys; only an ID token will do (RFC 9068 §4).
    if (protectedHeader.typ?.toLowerCase() === 'at+jwt' || typeof payload.sub !== 'string') {
      throw new errors.InvalidRequest('subject_token is not an ID token');
    }
    return payload as JWTPayload & { sub: string };
  } catch (error) {
    if (error instanceof errors.OIDCProviderError) throw error;
    // RFC 8693 §2.2.2: an unacceptable subject token is invalid_request.
    if (error instanceof joseErrors.JOSEError) {
      throw new errors.InvalidRequest(`subject_token rejected: ${error.code}`);
    }
    throw error;
  }
}

function allowedScope(audience: IdJagAudience, requested: string | undefined): string {
  const asked = requested?.split(' ').filter(Boolean) ?? audience.scopes;
  const granted = asked.filter((s) => audience.scopes.includes(s));
  if (granted.length === 0) {
    throw new errors.InvalidScope(
      'no requested scope is allowed for this audience',
      audience.scopes.join(' '),
    );
  }
  return granted.join(' ');
}

async function sign(keys: SigningKeyRing, claims: JWTPayload): Promise<string> {
  const kid = keys.activeKid();
  const header = base64url.encode(JSON.stringify({ alg: 'RS256', typ: ID_JAG_TYP, kid }));
  const payload = base64url.encode(JSON.stringify(claims));
  const signature = await keys.sign(kid, Buffer.from(`${header}.${payload}`));
  return `${header}.${payload}.${base64url.encode(signature)}`;
}
