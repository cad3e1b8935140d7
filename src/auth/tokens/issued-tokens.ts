import {
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { RevocationList } from '../../storage/revocation-list';
import { isTokenRevoked } from '../../storage/revocation-view';

export interface IssuedAccessToken extends JWTPayload {
  readonly sub: string;
  readonly jti: string;
  readonly exp: number;
  readonly aud: string | string[];
  readonly client_id: string;
  readonly scope?: string;
  readonly act?: { sub: string };
  /** The grant the token was issued under (see access-token-claims.ts). */
  readonly gid?: string;
  /** An exchanged token's subject token `jti` (see token-exchange.grant.ts). */
  readonly exchanged_from?: unknown;
}

export type IssuedTokenFailure = 'malformed' | 'invalid' | 'expired' | 'revoked' | 'wrong_audience';

export class IssuedTokenError extends Error {
  override readonly name = 'IssuedTokenError';
  constructor(
    readonly code: IssuedTokenFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Public half of the provider's keys: what anyone may verify our tokens with. */
export function publicJwks(privateKeys: { keys: JWK[] }): JSONWebKeySet {
  return {
    keys: privateKeys.keys.map(({ kty, n, e, crv, x, y, kid, alg, use }) => ({
      kty,
      n,
      e,
      crv,
      x,
      y,
      kid,
      alg,
      use,
    })),
  };
}

/**
 * Verifies JWT access tokens this authorization server issued, for the endpoints that must
 * judge them itself (introspection, revocation, token exchange): oidc-provider does not store
 * structured tokens and refuses to look them up.
 */
export class IssuedTokenVerifier {
  /** `keys` resolves a token's `kid` to a published key (the signing keyset follows rotation). */
  constructor(
    private readonly issuer: string,
    private readonly keys: JWTVerifyGetKey,
    private readonly revocations: RevocationList,
  ) {}

  static looksLikeJwt(token: string): boolean {
    return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
  }

  async verify(token: string, options: { audience?: string; checkRevoked?: boolean } = {}) {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        typ: 'at+jwt',
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'jti', 'exp', 'aud', 'client_id'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new IssuedTokenError('expired', 'token expired');
      if (error instanceof joseErrors.JOSEError)
        throw new IssuedTokenError('invalid', 'token invalid');
      throw error;
    }
    const claims = payload as IssuedAccessToken;
    if (options.audience !== undefined && !audiences(claims).includes(options.audience)) {
      throw new IssuedTokenError('wrong_audience', 'token was issued for another resource');
    }
    const exchangedFrom =
      typeof claims.exchanged_from === 'string' ? claims.exchanged_from : undefined;
    if (
      options.checkRevoked !== false &&
      (await isTokenRevoked(this.revocations, {
        jti: claims.jti,
        grantId: claims.gid,
        exchangedFrom,
      }))
    ) {
      throw new IssuedTokenError('revoked', 'token revoked');
    }
    return claims;
  }
}

export function audiences(claims: { aud?: string | string[] }): string[] {
  if (claims.aud === undefined) return [];
  return Array.isArray(claims.aud) ? claims.aud : [claims.aud];
}
