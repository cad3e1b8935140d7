import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { errors, type Provider, type TokenEndpointGrantContext } from 'oidc-provider';
import { ROUTES } from '../../config/protocol';
import { JWT_BEARER_GRANT } from '../catalog/grant-types';
import type { TrustStore } from '../../storage/trust-store';
import { useOnce, type SingleUseRecords } from '../tokens/assertion-replay';
import type { ResourceRegistry } from '../catalog/resources';
import { invalidGrant, refusal, refusalReason, type AssertionRefusal } from './assertion-errors';
import type { IssuerKeys } from './issuer-keys';
import { matchingRule, workloadIssuerFrom, type WorkloadIssuer } from './workload-issuer';
import { issueWorkloadToken } from './workload-token';

export { JWT_BEARER_GRANT };
/** Larger assertions are refused before any parsing: a workload JWT is a few hundred bytes. */
export const MAX_ASSERTION_CHARS = 8 * 1024;
/** The JOSE `typ` of an Identity Assertion JWT Authorization Grant (SEP-990). */
const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** The ID-JAG profile's handler (idjag/idjag.grant.ts), given the size-checked assertion. */
export type IdJagHandler = (ctx: Context, assertion: string) => Promise<void>;
const CLOCK_TOLERANCE_SECONDS = 30;
/** An assertion older than this is refused even if its `exp` is later (RFC 7523 §3 item 5). */
const MAX_AGE_SECONDS = 3600;

type Params = { assertion?: unknown; scope?: unknown; resource?: unknown };
export type JwtBearerContext = TokenEndpointGrantContext<Params>;
type Context = JwtBearerContext;

/** A workload token issued: `subject` is the workload's `sub` at `issuer`. */
export interface WorkloadTokenIssued {
  readonly issuer: string;
  readonly subject: string;
  readonly clientId: string;
  readonly resource: string;
  readonly scopes: readonly string[];
}

/** A workload assertion refused; `issuer` only once it is a trusted one. */
export interface WorkloadAssertionRefused {
  readonly issuer?: string;
  readonly reason: AssertionRefusal;
}

export interface JwtBearerDependencies {
  readonly provider: Provider;
  readonly store: SingleUseRecords & { readonly trust: TrustStore };
  readonly resources: ResourceRegistry;
  readonly keys: IssuerKeys;
  /** SEP-990: without it, ID-JAGs are refused. */
  readonly idJag?: IdJagHandler;
  /** Told of each workload token and each refused workload assertion, for the audit log. */
  readonly onIssued?: (issued: WorkloadTokenIssued) => void;
  readonly onRefused?: (refused: WorkloadAssertionRefused) => void;
}

/**
 * RFC 7523 §2.1 JWT bearer grant. Two profiles share the grant type and are told apart by the
 * assertion's JOSE `typ` (RFC 8725 §3.11 explicit typing): ID-JAG (SEP-990, `oauth-id-jag+jwt`)
 * and workload identity federation (SEP-1933, any other `typ`).
 */
export function registerJwtBearer(deps: JwtBearerDependencies): void {
  const handler = async (ctx: Context) => {
    const seen: { issuer?: string } = {};
    let assertion: string;
    try {
      assertion = assertionOf(ctx.oidc.params.assertion);
      // Workload federation is the profile of every assertion not typed as an ID-JAG, so an
      // assertion refused before its type is known is reported as a workload one.
      if (headerTyp(assertion) !== ID_JAG_TYP)
        return await workloadGrant(deps, ctx, assertion, seen);
    } catch (error) {
      const reason = refusalReason(error);
      if (reason) deps.onRefused?.({ ...seen, reason });
      throw error;
    }
    return deps.idJag ? deps.idJag(ctx, assertion) : idJagRefused();
  };
  deps.provider.registerGrantType(JWT_BEARER_GRANT, handler, ['assertion', 'scope', 'resource']);
}

function idJagRefused(): Promise<void> {
  return Promise.reject(
    invalidGrant(
      'Identity Assertion JWT Authorization Grants are not accepted yet',
      'id_jag_not_accepted',
    ),
  );
}

function assertionOf(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new errors.InvalidRequest('assertion is required');
  }
  if (value.length > MAX_ASSERTION_CHARS) throw invalidGrant('assertion is too large', 'too_large');
  return value;
}

function headerTyp(assertion: string): string | undefined {
  try {
    const { typ } = decodeProtectedHeader(assertion);
    return typeof typ === 'string' ? typ.toLowerCase() : undefined;
  } catch {
    throw invalidGrant('assertion is not a JWT', 'not_a_jwt');
  }
}

/** SEP-1933: a trusted issuer's JWT for a workload a rule allows, for no registered client. */
async function workloadGrant(
  deps: JwtBearerDependencies,
  ctx: Context,
  assertion: string,
  seen: { issuer?: string },
): Promise<void> {
  const issuer = await trustedIssuer(deps.store, assertion);
  seen.issuer = issuer.issuer;
  const claims = await verified(deps.keys, issuer, assertion, tokenEndpoint(ctx));
  const rule = matchingRule(issuer, claims);
  // The extension answers every refused workload with invalid_grant.
  if (!rule) throw invalidGrant('no trust rule allows this workload', 'no_rule');
  const replayKey = createHash('sha256').update(`${issuer.issuer}\0${claims.jti}`).digest('hex');
  const lifetime = claims.exp - Math.floor(Date.now() / 1000) + CLOCK_TOLERANCE_SECONDS;
  if (!(await useOnce(deps.store, `workload:${replayKey}`, lifetime))) {
    throw invalidGrant('assertion was already used', 'replayed');
  }
  const granted = await issueWorkloadToken(deps, ctx, {
    issuer: issuer.issuer,
    subject: claims.sub,
    rule,
  });
  deps.onIssued?.({
    issuer: issuer.issuer,
    subject: claims.sub,
    clientId: rule.clientId,
    ...granted,
  });
}

async function trustedIssuer(
  store: { readonly trust: TrustStore },
  assertion: string,
): Promise<WorkloadIssuer> {
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    throw invalidGrant('assertion is not a JWT', 'not_a_jwt');
  }
  if (typeof iss !== 'string') throw invalidGrant('assertion has no iss', 'no_issuer');
  const entry = await store.trust.find('workload_issuer', iss);
  const issuer = entry ? workloadIssuerFrom(entry.document) : undefined;
  if (!issuer) throw invalidGrant('assertion issuer is not trusted', 'untrusted_issuer');
  return issuer;
}

/** RFC 7523 §3: signature, iss, aud (SEP-1933: the token endpoint URL), exp, and a jti. */
async function verified(
  keys: IssuerKeys,
  issuer: WorkloadIssuer,
  assertion: string,
  audience: string,
): Promise<JWTPayload & { sub: string; jti: string; exp: number }> {
  try {
    const { payload } = await jwtVerify(assertion, keys.for(issuer), {
      issuer: issuer.issuer,
      audience,
      algorithms: [...issuer.algorithms],
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_AGE_SECONDS,
    });
    if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') {
      throw invalidGrant('assertion sub and jti must be strings', 'invalid_assertion');
    }
    return payload as JWTPayload & { sub: string; jti: string; exp: number };
  } catch (error) {
    throw refusal(error);
  }
}

function tokenEndpoint(ctx: Context): string {
  return `${ctx.oidc.issuer}${ROUTES.token}`;
}
