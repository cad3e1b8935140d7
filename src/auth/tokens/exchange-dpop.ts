import { hkdfSync } from 'node:crypto';
import { errors, type AccessToken, type KoaContextWithOIDC, type Provider } from 'oidc-provider';
import { BearerError } from '../../bearer/bearer.error';
import { checkProofClaims, withoutQuery } from '../../bearer/dpop-claims';
import { DpopNonces } from '../../bearer/dpop-nonce';
import { readProof, type SignedProof } from '../../bearer/dpop-proof';
import { ProofKeys } from '../../bearer/dpop-proof-keys';
import { DPOP_PROOF_WINDOW_SECONDS } from '../../config/dpop';

export interface ExchangeProofOptions {
  /** The AuthServer's DPoP nonce key (storage/dpop-nonce-secret.ts), when nonces are required. */
  readonly nonceKey: Buffer | undefined;
  /** Imported proof keys kept at most (DPOP_PROOF_KEYS_MAX). */
  readonly proofKeysMax: number;
}

/**
 * RFC 9449 §5 for the token exchange grant: oidc-provider checks DPoP proofs for its own grants
 * only, so this one checks them with the rules the resource servers apply (RFC 9449 §4.3,
 * bearer/dpop-proof.ts and dpop-claims.ts), for the token endpoint's URL and without `ath`. A
 * token request with a proof gets a token bound to the proof's key (`cnf.jkt`, `token_type`
 * DPoP), the proof used once; a client registered with `dpop_bound_access_tokens` gets no
 * unbound token (§5.2).
 *
 * Its nonces (§8) are its own, under a key derived from the AuthServer's nonce key: a client
 * that also uses oidc-provider's grants is asked once for the other nonce, as §8 provides.
 */
export class ExchangeProofs {
  private readonly keys: ProofKeys;
  private readonly nonces: DpopNonces | undefined;

  constructor(
    private readonly provider: Provider,
    options: ExchangeProofOptions,
  ) {
    this.keys = new ProofKeys(options.proofKeysMax);
    this.nonces = options.nonceKey && new DpopNonces(exchangeNonceKey(options.nonceKey));
  }

  async bind(ctx: KoaContextWithOIDC, token: AccessToken): Promise<void> {
    const client = ctx.oidc.client;
    if (!client) throw new errors.InvalidClient('client authentication required');
    const header = ctx.req.headers.dpop;
    if (header === undefined) {
      if (client.metadata().dpop_bound_access_tokens === true) {
        throw new errors.InvalidGrant('DPoP proof JWT not provided');
      }
      return;
    }
    const proof = await this.check(ctx, header);
    await this.useOnce(client.clientId, proof);
    token.setThumbprint('jkt', proof.jkt);
  }

  /** §4.3: the proof, then its claims for this request; refusals as RFC 6749 §5.2 errors. */
  private async check(ctx: KoaContextWithOIDC, header: string | string[]): Promise<SignedProof> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    try {
      const proof = await readProof(header, this.keys);
      checkProofClaims(proof, {
        method: ctx.method,
        urls: [withoutQuery(new URL(ctx.oidc.urlFor('token')))],
        token: undefined,
        nowSeconds,
        nonces: this.nonces,
      });
      // §8.2: a fresh nonce in any response, so the client's next proof needs no retry.
      const current = this.nonces?.current(nowSeconds);
      if (current && proof.nonce !== current) ctx.set('DPoP-Nonce', current);
      return proof;
    } catch (error) {
      if (!(error instanceof BearerError)) throw error;
      switch (error.code) {
        case 'use_dpop_nonce':
          if (error.dpopNonce) ctx.set('DPoP-Nonce', error.dpopNonce);
          throw new errors.UseDpopNonce(error.message);
        default:
          throw new errors.InvalidDpopProof(error.message);
      }
    }
  }

  /**
   * §11.1: each proof once. Recorded as oidc-provider records the proofs of its own grants
   * (per client and `jti`), so a proof spent at another grant is spent here too; kept until the
   * `iat` check refuses the proof anyway.
   */
  private async useOnce(clientId: string, proof: SignedProof): Promise<void> {
    const expiresAt = proof.iat + DPOP_PROOF_WINDOW_SECONDS + 1;
    if (!(await this.provider.ReplayDetection.unique(clientId, proof.jti, expiresAt))) {
      throw new errors.InvalidDpopProof('DPoP proof has been used before');
    }
  }
}

/** A key of its own for the exchange's nonces, apart from oidc-provider's use of the key. */
function exchangeNonceKey(nonceKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', nonceKey, '', 'DPoP nonce token exchange', 32));
}
