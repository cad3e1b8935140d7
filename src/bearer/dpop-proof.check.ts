import { BearerError } from './bearer.error';
import { checkProofClaims, withoutQuery } from './dpop-claims';
import type { DpopNonces } from './dpop-nonce';
import { readProof, type SignedProof } from './dpop-proof';
import { ProofKeys } from './dpop-proof-keys';
import { DpopReplay } from './dpop-replay';
import type { Credentials } from './credentials';
import type { DpopProofIds } from '../storage/dpop-proof-ids';

/** What a resource server needs to check DPoP proofs (DPOP_PROOFS). */
export interface DpopProofOptions {
  /** The shared store of seen proofs (replay across replicas). */
  readonly proofIds: DpopProofIds;
  /** Set when this resource server requires server nonces in proofs (RFC 9449 §9). */
  readonly nonces?: DpopNonces;
}

/**
 * The proof beside a DPoP-bound access token (RFC 9449 §7.1), checked per §4.3 in small steps:
 * the proof itself (dpop-proof.ts), its key against the token's `cnf.jkt` (§6.1), its claims
 * against this request (dpop-claims.ts), and, last, once-only use (dpop-replay.ts), so a proof
 * refused for another reason never fills the store.
 */
export class DpopProofCheck {
  private readonly keys: ProofKeys;
  private readonly replay: DpopReplay;

  constructor(
    /**
     * The resource's base URLs, public first: `htu` names one of them, never the Host header
     * (§4.3 step 9). The second, when given, is where back-channel peers reach the same server.
     */
    private readonly baseUrls: readonly string[],
    audience: string,
    private readonly options: DpopProofOptions,
    /** Imported proof keys kept at most (DPOP_PROOF_KEYS_MAX). */
    proofKeysMax: number,
  ) {
    this.keys = new ProofKeys(proofKeysMax);
    this.replay = new DpopReplay(options.proofIds, audience);
  }

  /** Steps that need no token: the proof's own form and signature. */
  read(credentials: Credentials): Promise<SignedProof> {
    return readProof(credentials.proof, this.keys);
  }

  /** The binding and the claims, once the token is known to be ours and bound to `jkt`. */
  bind(proof: SignedProof, boundTo: string, credentials: Credentials): void {
    if (proof.jkt !== boundTo) {
      throw new BearerError(
        'invalid_token',
        'DPoP proof key is not the key the token is bound to',
        {
          aboutDpop: true,
        },
      );
    }
    checkProofClaims(proof, {
      method: credentials.method,
      urls: this.requestUrls(credentials.url),
      token: credentials.token,
      nowSeconds: Math.floor(Date.now() / 1000),
      nonces: this.options.nonces,
    });
  }

  firstUse(proof: SignedProof): Promise<void> {
    return this.replay.firstUse(proof);
  }

  /** This request's URLs without query or fragment, normalized as `htu` is. */
  private requestUrls(target: string): string[] {
    const end = target.search(/[?#]/);
    const path = end === -1 ? target : target.slice(0, end);
    return this.baseUrls.flatMap((base) => {
      const url = URL.parse(`${base}${path}`);
      return url ? [withoutQuery(url)] : [];
    });
  }
}
