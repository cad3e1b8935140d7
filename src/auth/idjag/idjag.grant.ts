import { createHash } from 'node:crypto';
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { errors, type Provider } from 'oidc-provider';
import type { TrustStore } from '../../storage/trust-store';
import type { ResourceRegistry } from '../catalog/resources';
import { WORKLOAD_CLIENT_ID } from '../catalog/grant-types';
import type { AccountLinking } from '../federation/account-linking';
import { FederationError } from '../federation/federation.error';
import { useOnce, type SingleUseRecords } from '../tokens/assertion-replay';
import { grantAccessToken } from '../tokens/grant-access-token';
import { invalidGrant, refusal } from '../workload/assertion-errors';
import type { IssuerKeys } from '../workload/issuer-keys';
import type { JwtBearerContext } from '../workload/jwt-bearer.grant';
import { idJagIssuerFrom, ID_JAG_TYP, type IdJagIssuer } from './idjag-trust';
import { grantedScopes, targetResource } from './idjag-target';

const CLOCK_TOLERANCE_SECONDS = 30;
/** An ID-JAG is short-lived (the draft's example: 300 s); an older one is refused. */
const MAX_AGE_SECONDS = 600;

export interface IdJagGrantDependencies {
  readonly provider: Provider;
  readonly store: SingleUseRecords & { readonly trust: TrustStore };
  readonly resources: ResourceRegistry;
  readonly keys: IssuerKeys;
  readonly linking: AccountLinking;
  /** What an operator client may be granted at most (undefined: no bound of its own). */
  readonly allowance: (
    clientId: string,
  ) => Promise<{ resources: readonly string[]; scopes: readonly string[] } | undefined>;
  /** Told of each ID-JAG that became an access token, for the audit log. */
  readonly onAccepted?: (accepted: IdJagAccepted) => void;
}

/** `upstreamSubject` is the user at `issuer`; `subject` the local user it resolved to. */
export interface IdJagAccepted {
  readonly issuer: string;
  readonly upstreamSubject: string;
  readonly subject: string;
  readonly clientId: string;
  readonly resource: string;
  readonly scopes: readonly string[];
}

type IdJagClaims = JWTPayload & { sub: string; jti: string; exp: number; client_id: string };

/**
 * draft-ietf-oauth-identity-assertion-authz-grant §4.4: an ID-JAG presented with the JWT
 * bearer grant (RFC 7523 §2.1) by the client it names, from an identity provider we trust,
 * for us (`aud` is our issuer), once. The token is an ordinary access token for the user the
 * ID-JAG names, for one of our resources, with the scopes asked for that the ID-JAG grants;
 * no refresh token (the client asks the identity provider for a new ID-JAG instead).
 */
export function idJagGrant(deps: IdJagGrantDependencies) {
  return async (ctx: JwtBearerContext, assertion: string): Promise<void> => {
    const client = ctx.oidc.client;
    // §6.1: confidential clients only; a request with no client authentication is refused.
    if (client.clientId === WORKLOAD_CLIENT_ID) {
      throw new errors.InvalidClient('an ID-JAG must be presented by an authenticated client');
    }
    const issuer = await trustedIssuer(deps.store, assertion);
    const claims = await verified(deps.keys, issuer, assertion, ctx.oidc.issuer);
    if (claims.client_id !== client.clientId) {
      throw invalidGrant('the ID-JAG was issued for another client', 'wrong_client');
    }
    const allowance = await deps.allowance(client.clientId);
    const target = targetResource(deps.resources, claims.resource, ctx.oidc.params.resource);
    if (allowance && !allowance.resources.includes(target.id)) {
      throw new errors.InvalidTarget('this client may not get tokens for this resource');
    }
    const scope = grantedScopes(
      claims.scope,
      target.scopes,
      allowance?.scopes,
      ctx.oidc.params.scope,
    );

    const replayKey = createHash('sha256').update(`${issuer.issuer}\0${claims.jti}`).digest('hex');
    const lifetime = claims.exp - Math.floor(Date.now() / 1000) + CLOCK_TOLERANCE_SECONDS;
    if (!(await useOnce(deps.store, `idjag:${replayKey}`, lifetime))) {
      throw invalidGrant('the ID-JAG was already used', 'replayed');
    }
    const userSub = await localUser(deps.linking, issuer, claims);

    ctx.body = await grantAccessToken(deps, {
      client,
      accountId: userSub,
      gty: 'id_jag',
      resource: target.id,
      scope,
    });
    deps.onAccepted?.({
      issuer: issuer.issuer,
      upstreamSubject: claims.sub,
      subject: userSub,
      clientId: client.clientId,
      resource: target.id,
      scopes: scope.split(' '),
    });
  };
}

async function trustedIssuer(
  store: { readonly trust: TrustStore },
  assertion: string,
): Promise<IdJagIssuer> {
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    throw invalidGrant('assertion is not a JWT', 'not_a_jwt');
  }
  if (typeof iss !== 'string' || iss.length > 512)
    throw invalidGrant('assertion has no iss', 'no_issuer');
  const entry = await store.trust.find('idjag_issuer', iss);
  const issuer = entry ? idJagIssuerFrom(entry.document) : undefined;
  if (!issuer) throw invalidGrant('the ID-JAG issuer is not trusted', 'untrusted_issuer');
  return issuer;
}

/** RFC 7523 §3 and the draft's §3: typ, signature, iss, aud, exp, iat, jti and client_id. */
async function verified(
  keys: IssuerKeys,
  issuer: IdJagIssuer,
  assertion: string,
  audience: string,
): Promise<IdJagClaims> {
  try {
    const { payload } = await jwtVerify(assertion, keys.for(issuer), {
      issuer: issuer.issuer,
      audience,
      typ: ID_JAG_TYP,
      algorithms: [...issuer.algorithms],
      requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_AGE_SECONDS,
    });
    for (const name of ['sub', 'jti', 'client_id'] as const) {
      const value = payload[name];
      if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
        throw invalidGrant(`the ID-JAG ${name} must be a string`, 'invalid_assertion');
      }
    }
    return payload as IdJagClaims;
  } catch (error) {
    throw refusal(error);
  }
}

/** The draft's §3 implementation note: (iss, sub) first; `email` only to find an account. */
async function localUser(
  linking: AccountLinking,
  issuer: IdJagIssuer,
  claims: IdJagClaims,
): Promise<string> {
  const email =
    typeof claims.email === 'string' && claims.email.length <= 256 ? claims.email : undefined;
  try {
    const { userSub } = await linking.resolve(issuer, {
      issuer: issuer.issuer,
      subject: claims.sub,
      email: email?.toLowerCase(),
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === 'string' && claims.name.length <= 256 ? claims.name : undefined,
    });
    return userSub;
  } catch (error) {
    if (error instanceof FederationError) throw invalidGrant(error.message, 'no_account');
    throw error;
  }
}
