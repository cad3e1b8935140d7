import { Inject, Injectable } from '@nestjs/common';
import { isTokenRevoked, REVOCATION_VIEW, RevocationView } from '../storage/revocation-view';
import { AccessTokenStrategy } from './access-token.strategy';
import { BearerError } from './bearer.error';
import { BEARER_CACHES, DPOP_PROOF_CHECK, RESOURCE_SERVER } from './bearer.tokens';
import type { Credentials } from './credentials';
import type { DpopProofCheck } from './dpop-proof.check';
import { IssuerKeys } from './issuer-keys';
import type { Principal } from './principal';
import type { BearerCacheBounds, ResourceServerOptions } from './resource-server.options';
import type { TokenVerifier } from './token-verifier';
import { bearerErrorOf } from './verification-failure';
import { VerifiedToken, VerifiedTokens } from './verified-tokens';

/**
 * Our JWT access tokens (RFC 9068), verified for one resource server, as bearer tokens or
 * DPoP-bound ones with their proof (RFC 9449 §7.1). A token that passed the full check
 * (AccessTokenStrategy: passport-jwt and the issuer's keys) is remembered until its `exp`
 * (VerifiedTokens), so a known token costs a hash, a map lookup and the revocation check,
 * which runs on every request, cached or not. A proof is checked on every request.
 */
@Injectable()
export class AccessTokenVerifier implements TokenVerifier {
  private readonly verified: VerifiedTokens;
  private readonly strategy: AccessTokenStrategy;

  constructor(
    @Inject(RESOURCE_SERVER) resource: ResourceServerOptions,
    @Inject(REVOCATION_VIEW) private readonly revocations: RevocationView,
    @Inject(DPOP_PROOF_CHECK) private readonly proofs: DpopProofCheck,
    @Inject(BEARER_CACHES) caches: BearerCacheBounds,
    issuerKeys: IssuerKeys,
  ) {
    this.verified = new VerifiedTokens(caches.verifiedTokens);
    this.strategy = new AccessTokenStrategy(resource, issuerKeys);
  }

  verify(credentials: Credentials): Promise<Principal> {
    return credentials.scheme === 'DPoP'
      ? this.verifyDpop(credentials)
      : this.verifyBearer(credentials.token);
  }

  private async verifyBearer(token: string): Promise<Principal> {
    const verified = await this.tokenOf(token);
    if (verified.boundTo !== undefined) {
      // RFC 9449 §7.2: taken as a bearer token, the binding would protect nothing.
      throw dpopRefusal('token is sender-constrained (DPoP): present it with a DPoP proof');
    }
    return this.admit(verified, token);
  }

  private async verifyDpop(credentials: Credentials): Promise<Principal> {
    if (credentials.token === '') throw dpopRefusal('the DPoP scheme needs one access token');
    const proof = await this.proofs.read(credentials);
    const verified = await this.tokenOf(credentials.token);
    if (verified.boundTo === undefined) {
      throw dpopRefusal('token is not bound to a DPoP key: present it as a Bearer token');
    }
    this.proofs.bind(proof, verified.boundTo, credentials);
    const principal = await this.admit(verified, credentials.token);
    await this.proofs.firstUse(proof);
    return principal;
  }

  /** The full check once per token; a token past its `exp` is never remembered. */
  private async tokenOf(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token, Date.now());
    if (known) return known;
    let verified: VerifiedToken;
    try {
      verified = await this.strategy.check(token);
    } catch (reason) {
      throw bearerErrorOf(reason);
    }
    this.verified.put(token, verified, Date.now());
    return verified;
  }

  /** Runs on every request, cached or not: revocation takes effect at once. */
  private async admit(verified: VerifiedToken, token: string): Promise<Principal> {
    let revoked: boolean;
    try {
      revoked = await isTokenRevoked(this.revocations, verified);
    } catch (reason) {
      throw bearerErrorOf(reason);
    }
    if (revoked) throw new BearerError('invalid_token', 'token revoked');
    return { ...verified.principal, token };
  }
}

/** invalid_token about the DPoP binding: the DPoP challenge carries the error (RFC 9449 §7.1). */
function dpopRefusal(message: string): BearerError {
  return new BearerError('invalid_token', message, { aboutDpop: true });
}
