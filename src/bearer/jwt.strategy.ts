import { Inject, Injectable, Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS } from '../storage/revocation-list';
import { isTokenRevoked, REVOCATION_VIEW, RevocationView } from '../storage/revocation-view';
import { ACCESS_TOKEN_ALGORITHM, IssuerKeys } from './issuer-keys';
import { Principal } from './principal';
import { RESOURCE_SERVER, ResourceServerOptions } from './resource-server.options';
import { TokenRejection } from './token-rejection';
import { VerifiedToken, VerifiedTokens } from './verified-tokens';

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

type PassportRequest = Parameters<Strategy['authenticate']>[0];

/** The warm path, which the bearer guard tries before passport: tokens verified before. */
export interface KnownTokens {
  /**
   * The caller, when this bearer token passed the cold path earlier and has not expired since
   * (revocation is still checked, and a revoked token rejects with TokenRejection); undefined
   * for a token not seen before, which then goes through passport.
   */
  admitKnown(token: string): Promise<Principal> | undefined;
}

const extractBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** RFC 9068 §4: resource servers must check the `at+jwt` type, so ID tokens are not accepted. */
function isAccessTokenType(typ: string | undefined): boolean {
  return typ !== undefined && /^(application\/)?at\+jwt$/i.test(typ);
}

/**
 * The passport-jwt strategy for one resource server, under its own name (passport strategies
 * are process-global, and two resource servers in one process must not share one): RS256 only,
 * issuer and audience pinned, keys from the JWKS the issuer's discovery document names, and
 * the revocation view consulted for every token.
 *
 * A token that passed once is remembered (VerifiedTokens) until its `exp`, so later requests
 * skip the signature and claim checks but never the revocation check. The bearer guard asks
 * `admitKnown` before it calls passport, so a known token costs a hash, a map lookup and the
 * revocation check: none of passport's per-request strategy copy and callbacks.
 */
export function jwtStrategyFor(strategyName: string): Type<KnownTokens> {
  @Injectable()
  class ResourceServerJwtStrategy
    extends PassportStrategy(Strategy, strategyName)
    implements KnownTokens
  {
    private readonly verified = new VerifiedTokens();

    constructor(
      @Inject(RESOURCE_SERVER) options: ResourceServerOptions,
      @Inject(REVOCATION_VIEW) private readonly revocations: RevocationView,
      issuerKeys: IssuerKeys,
    ) {
      super({
        jwtFromRequest: extractBearer,
        secretOrKeyProvider: issuerKeys.secretOrKeyProvider,
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        passReqToCallback: true,
        jsonWebTokenOptions: {
          complete: true,
          clockTolerance: ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
        },
      });
    }

    admitKnown(token: string): Promise<Principal> | undefined {
      const known = this.verified.get(token, Date.now());
      return known && this.admit(known, token);
    }

    /** The cold path: passport-jwt has checked signature, alg, issuer, audience and expiry. */
    async validate(request: PassportRequest, jwt: VerifiedJwt): Promise<Principal> {
      if (!isAccessTokenType(jwt.header.typ)) {
        throw new TokenRejection('wrong_type', 'not an access token (typ must be at+jwt)');
      }
      const { payload } = jwt;
      // RFC 9449 §7.2, RFC 8705 §3: a token bound to a key is used only with proof of that key;
      // taken as a bearer token, the binding the client asked for would protect nothing.
      if (payload.cnf !== undefined) {
        throw new TokenRejection(
          'sender_constrained',
          'token is sender-constrained (cnf): not accepted as a Bearer token',
        );
      }
      // RFC 9068 §2.2: jti is required, and revocation is by jti.
      if (typeof payload.jti !== 'string' || payload.jti === '') {
        throw new TokenRejection('invalid', 'token invalid (no jti)');
      }
      const scopes = (payload.scope ?? '').split(' ').filter(Boolean);
      const verified: VerifiedToken = {
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
      };
      const token = extractBearer(request)!;
      this.verified.put(token, verified, Date.now());
      return this.admit(verified, token);
    }

    /** Runs on every request, cached or not: revocation takes effect at once. */
    private async admit(verified: VerifiedToken, token: string): Promise<Principal> {
      if (await isTokenRevoked(this.revocations, verified)) {
        throw new TokenRejection('revoked', 'token revoked');
      }
      return { ...verified.principal, token };
    }
  }
  Object.defineProperty(ResourceServerJwtStrategy, 'name', { value: `${strategyName}Strategy` });
  return ResourceServerJwtStrategy;
}
