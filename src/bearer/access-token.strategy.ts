import { Strategy, type VerifiedCallback } from 'passport-jwt';
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS } from '../storage/revocation-list';
import { ACCESS_TOKEN_ALGORITHM, IssuerKeys } from './issuer-keys';
import type { ResourceServerOptions } from './resource-server.options';
import { TokenRejection } from './token-rejection';
import type { VerifiedToken } from './verified-tokens';

interface VerifiedJwt {
  readonly header: { readonly typ?: string };
  readonly payload: {
    readonly sub: string;
    readonly client_id?: string;
    readonly scope?: string;
    readonly aud: string | string[];
    readonly exp: number;
    readonly jti?: string;
    readonly act?: { sub: string };
    readonly gid?: string;
    readonly cnf?: unknown;
    readonly exchanged_from?: unknown;
  };
}

/** What this strategy reads: the token the guard already took from the Authorization header. */
interface TokenOnly {
  readonly token: string;
}

type PassportRequest = Parameters<Strategy['authenticate']>[0];

/**
 * The full check of an access token not seen before, by passport-jwt: RS256 only, issuer and
 * audience pinned, expiry with the clock tolerance, keys from the JWKS the issuer's discovery
 * document names; then the RFC 9068 claims passport-jwt does not know (`typ`, `jti`) and the
 * DPoP key the token is bound to (`cnf.jkt`), if any.
 *
 * The strategy is this resource server's own instance, never registered with passport, whose
 * registry is process-global by name: the API and the MCP server in one process cannot take
 * each other's strategy, and so each other's audience.
 */
export class AccessTokenStrategy {
  private readonly strategy: Strategy;

  constructor(resource: ResourceServerOptions, issuerKeys: IssuerKeys) {
    this.strategy = new Strategy(
      {
        jwtFromRequest: (request: TokenOnly) => request.token,
        secretOrKeyProvider: issuerKeys.secretOrKeyProvider,
        issuer: resource.issuer,
        audience: resource.audience,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        jsonWebTokenOptions: {
          complete: true,
          clockTolerance: ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
        },
      },
      (jwt: VerifiedJwt, done: VerifiedCallback) => {
        let verified: VerifiedToken;
        try {
          verified = verifiedToken(jwt);
        } catch (rejection) {
          done(rejection);
          return;
        }
        done(null, verified);
      },
    );
  }

  /**
   * What the token proves. Rejects with passport-jwt's reason (jsonwebtoken's errors), a
   * TokenRejection, or IssuerUnavailable when the keys cannot be had.
   */
  check(token: string): Promise<VerifiedToken> {
    return new Promise((resolve, reject) => {
      // What passport itself does per request: a copy of the strategy whose outcomes settle
      // this one attempt.
      const attempt = Object.create(this.strategy) as Strategy;
      attempt.success = (verified: VerifiedToken) => resolve(verified);
      // passport's fail(challenge) or fail(status); passport-jwt passes jsonwebtoken's errors
      // or the key provider's, which the verifier maps to the client's answer.
      attempt.fail = (reason: Error | number) =>
        reject(typeof reason === 'number' ? new Error(`refused with ${reason}`) : reason);
      attempt.error = (error: Error) => reject(error);
      const request: TokenOnly = { token };
      attempt.authenticate(request as unknown as PassportRequest);
    });
  }
}

/** RFC 9068 §4: resource servers must check the `at+jwt` type, so ID tokens are not accepted. */
function isAccessTokenType(typ: string | undefined): boolean {
  return typ !== undefined && /^(application\/)?at\+jwt$/i.test(typ);
}

/** The claims passport-jwt has not checked, and what the resource server keeps of the token. */
function verifiedToken(jwt: VerifiedJwt): VerifiedToken {
  if (!isAccessTokenType(jwt.header.typ)) {
    throw new TokenRejection('wrong_type', 'not an access token (typ must be at+jwt)');
  }
  const { payload } = jwt;
  // RFC 9449 §6.1: a DPoP-bound token names its key by thumbprint. Any other confirmation
  // method (RFC 8705 §3 certificates) is one we cannot check, so such a token is refused.
  const boundTo = dpopThumbprintOf(payload.cnf);
  // RFC 9068 §2.2: jti is required, and revocation is by jti.
  if (typeof payload.jti !== 'string' || payload.jti === '') {
    throw new TokenRejection('invalid', 'token invalid (no jti)');
  }
  const scopes = (payload.scope ?? '').split(' ').filter(Boolean);
  return {
    principal: {
      sub: payload.sub,
      clientId: payload.client_id ?? '',
      scope: scopes.join(' '),
      scopes,
      audience: Array.isArray(payload.aud) ? payload.aud : [payload.aud],
      expiresAt: payload.exp,
      ...(payload.act ? { act: payload.act } : {}),
    },
    jti: payload.jti,
    grantId: payload.gid,
    ...(typeof payload.exchanged_from === 'string'
      ? { exchangedFrom: payload.exchanged_from }
      : {}),
    expiresAt: payload.exp * 1000,
    ...(boundTo === undefined ? {} : { boundTo }),
  };
}

function dpopThumbprintOf(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  if (typeof jkt !== 'string' || jkt === '') {
    throw new TokenRejection('sender_constrained', 'token is bound by a method we cannot check');
  }
  return jkt;
}
