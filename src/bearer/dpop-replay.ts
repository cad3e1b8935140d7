import { hash } from 'node:crypto';
import { DPOP_PROOF_WINDOW_SECONDS } from '../config/dpop';
import type { DpopProofIds } from '../storage/dpop-proof-ids';
import { BearerError } from './bearer.error';
import { invalidProof, type SignedProof } from './dpop-proof';

/**
 * RFC 9449 §11.1: a proof is used once. Its `jti` (per key, per resource server) is recorded in
 * the shared store until the proof's `iat` window has passed, after which the `iat` check
 * refuses it anyway; so a proof replayed at any replica of this role is refused.
 */
export class DpopReplay {
  constructor(
    private readonly ids: DpopProofIds,
    private readonly audience: string,
  ) {}

  async firstUse(proof: SignedProof): Promise<void> {
    const key = hash('sha256', `${this.audience}\n${proof.jkt}\n${proof.jti}`, 'base64url');
    const expiresAt = (proof.iat + DPOP_PROOF_WINDOW_SECONDS + 1) * 1000;
    let fresh: boolean;
    try {
      fresh = await this.ids.rememberProofId(key, expiresAt);
    } catch {
      // Without the store a replay cannot be told apart: fail closed, as for revocations.
      throw new BearerError('temporarily_unavailable', 'DPoP proofs cannot be checked right now');
    }
    if (!fresh) throw invalidProof('DPoP proof has been used before');
  }
}
