import { Inject, Injectable } from '@nestjs/common';
import { isTokenRevoked, REVOCATION_VIEW, RevocationView } from '../storage/revocation-view';
import { AccessTokenStrategy } from './access-token.strategy';
import { BearerError } from './bearer.error';
import { RESOURCE_SERVER } from './bearer.tokens';
import type { Credentials } from './credentials';
import { IssuerKeys } from './issuer-keys';
import type { Principal } from './principal';
import type { ResourceServerOptions } from './resource-server.options';
import { TokenRejection } from './token-rejection';
import type { TokenVerifier } from './token-verifier';
import { bearerErrorOf } from './verification-failure';
import { VerifiedToken, VerifiedTokens } from './verified-tokens';

/**
 * Our JWT access tokens (RFC 9068), verified for one resource server. A token that passed the
 * full check (AccessTokenStrategy: passport-jwt and the issuer's keys) is remembered until its
 * `exp` (VerifiedTokens), so a known token costs a hash, a map lookup and the revocation check,
 * which runs on every request, cached or not.
 */
@Injectable()
export class AccessTokenVerifier implements TokenVerifier {
  private readonly verified = new VerifiedTokens();
  private readonly strategy: AccessTokenStrategy;

  constructor(
    @Inject(RESOURCE_SERVER) resource: ResourceServerOptions,
    @Inject(REVOCATION_VIEW) private readonly revocations: RevocationView,
    private readonly issuerKeys: IssuerKeys,
  ) {
    this.strategy = new AccessTokenStrategy(resource, issuerKeys);
  }

  verify(credentials: Credentials): Promise<Principal> {
    if (credentials.scheme === 'DPoP') {
      // RFC 9449 §7.1. The proof check goes here: the `DPoP` header against the method and URL
      // (§4.3), the token verified as below but keeping its `cnf`, then `cnf.jkt` against the
      // proof's key (§7.1). Until then such tokens are refused, never read as bearer tokens.
      return this.refuse(
        new TokenRejection(
          'sender_constrained',
          'sender-constrained (DPoP) tokens are not accepted yet',
        ),
      );
    }
    const known = this.verified.get(credentials.token, Date.now());
    return known ? this.admit(known, credentials.token) : this.verifyNew(credentials.token);
  }

  /** The full check, once per token; a token past its `exp` is never remembered. */
  private async verifyNew(token: string): Promise<Principal> {
    let verified: VerifiedToken;
    try {
      verified = await this.strategy.check(token);
    } catch (reason) {
      return this.refuse(reason);
    }
    this.verified.put(token, verified, Date.now());
    return this.admit(verified, token);
  }

  /** Runs on every request, cached or not: revocation takes effect at once. */
  private async admit(verified: VerifiedToken, token: string): Promise<Principal> {
    let revoked: boolean;
    try {
      revoked = await isTokenRevoked(this.revocations, verified);
    } catch (reason) {
      return this.refuse(reason);
    }
    if (revoked) throw new BearerError('invalid_token', 'token revoked');
    return { ...verified.principal, token };
  }

  private async refuse(reason: unknown): Promise<never> {
    if (reason instanceof TokenRejection && reason.code === 'sender_constrained') {
      // RFC 9449 §7.1: the DPoP challenge names the proof algs the issuer advertises. The
      // refusal stands without the issuer; only that advisory list needs its discovery.
      const dpopAlgs = await this.issuerKeys.dpopSigningAlgs().catch(() => []);
      throw new BearerError('invalid_token', reason.message, { dpopAlgs });
    }
    throw bearerErrorOf(reason);
  }
}
