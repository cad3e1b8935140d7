import { Inject, Injectable, Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS } from '../storage/revocation-list';
import { REVOCATION_VIEW, RevocationView } from '../storage/revocation-view';
import { IssuerKeys } from './issuer-keys';
import { Principal } from './principal';
import { RESOURCE_SERVER, ResourceServerOptions } from './resource-server.options';
import { TokenRejection } from './token-rejection';

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
  };
}

/** RFC 9068 §4: resource servers must check the `at+jwt` type, so ID tokens are not accepted. */
function isAccessTokenType(typ: string | undefined): boolean {
  return typ !== undefined && /^(application\/)?at\+jwt$/i.test(typ);
}

/**
 * The passport-jwt strategy for one resource server, under its own name (passport strategies
 * are process-global, and two resource servers in one process must not share one): RS256 only,
 * issuer and audience pinned, keys from the JWKS the issuer's discovery document names, and
 * the revocation view consulted for every token.
 */
export function jwtStrategyFor(strategyName: string): Type {
  @Injectable()
  class ResourceServerJwtStrategy extends PassportStrategy(Strategy, strategyName) {
    constructor(
      @Inject(RESOURCE_SERVER) options: ResourceServerOptions,
      @Inject(REVOCATION_VIEW) private readonly revocations: RevocationView,
      issuerKeys: IssuerKeys,
    ) {
      super({
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKeyProvider: issuerKeys.secretOrKeyProvider,
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256'],
        passReqToCallback: true,
        jsonWebTokenOptions: {
          complete: true,
          clockTolerance: ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
        },
      });
    }

    async validate(
      request: { headers: { authorization?: string } },
      jwt: VerifiedJwt,
    ): Promise<Principal> {
      if (!isAccessTokenType(jwt.header.typ)) {
        throw new TokenRejection('wrong_type', 'not an access token (typ must be at+jwt)');
      }
      const { payload } = jwt;
      if (payload.jti && (await this.revocations.isRevoked(payload.jti, payload.gid))) {
        throw new TokenRejection('revoked', 'token revoked');
      }
      const scopes = (payload.scope ?? '').split(' ').filter(Boolean);
      return {
        sub: payload.sub,
        clientId: payload.client_id ?? '',
        scope: scopes.join(' '),
        scopes,
        audience: Array.isArray(payload.aud) ? payload.aud : [payload.aud],
        expiresAt: payload.exp,
        ...(payload.act ? { act: payload.act } : {}),
        token: request.headers.authorization!.slice('Bearer '.length).trim(),
      };
    }
  }
  Object.defineProperty(ResourceServerJwtStrategy, 'name', { value: `${strategyName}Strategy` });
  return ResourceServerJwtStrategy;
}
