import { hash } from 'node:crypto';
import { DPOP_PROOF_WINDOW_SECONDS } from '../config/dpop';
import { BearerError } from './bearer.error';
import type { DpopNonces } from './dpop-nonce';
import { invalidProof, type SignedProof } from './dpop-proof';

/** The request a proof must name, and the token it must be bound to. */
export interface ProofContext {
  readonly method: string;
  /** The request's URLs this server answers at (public, and internal when it has one). */
  readonly urls: readonly string[];
  /** The access token beside the proof; none at a token endpoint (RFC 9449 §5). */
  readonly token: string | undefined;
  readonly nowSeconds: number;
  /** Present when this resource server requires server nonces (RFC 9449 §9). */
  readonly nonces: DpopNonces | undefined;
}

type ClaimCheck = (proof: SignedProof, context: ProofContext) => void;

/** RFC 9449 §4.3 step 8: the method of this request. */
const htm: ClaimCheck = (proof, { method }) => {
  if (proof.htm !== method) throw invalidProof('DPoP proof htm does not match the request');
};

/**
 * RFC 9449 §4.3 step 9: this request's URL, ignoring query and fragment, after syntax-based
 * normalization (RFC 3986 §6.2.2, §6.2.3: case of scheme and host, default port, dot segments),
 * which the WHATWG URL parser performs.
 */
const htu: ClaimCheck = (proof, { urls }) => {
  const named = URL.parse(proof.htu);
  if (!named || !urls.includes(withoutQuery(named))) {
    throw invalidProof('DPoP proof htu does not match the request');
  }
};

/** RFC 9449 §4.3 step 11: the proof was made for this token (`ath`, §4.2), if one came. */
const ath: ClaimCheck = (proof, { token }) => {
  if (token !== undefined && proof.ath !== hash('sha256', token, 'base64url')) {
    throw invalidProof('DPoP proof ath does not match the access token');
  }
};

/** RFC 9449 §4.3 step 10 and §9: a nonce we issued, when we ask for one. */
const nonce: ClaimCheck = (proof, { nonces, nowSeconds }) => {
  if (nonces && !nonces.accepts(proof.nonce, nowSeconds)) {
    throw new BearerError('use_dpop_nonce', 'DPoP proof must carry the server nonce', {
      dpopNonce: nonces.current(nowSeconds),
    });
  }
};

/** RFC 9449 §4.3 step 11 and §11.1: made recently, and not in the future. */
const iat: ClaimCheck = (proof, { nowSeconds }) => {
  if (Math.abs(nowSeconds - proof.iat) > DPOP_PROOF_WINDOW_SECONDS) {
    throw invalidProof('DPoP proof iat is outside the acceptable window');
  }
};

/** One small check per rule, in the order RFC 9449 §4.3 lists them. */
const CLAIM_CHECKS: readonly ClaimCheck[] = [htm, htu, nonce, iat, ath];

export function checkProofClaims(proof: SignedProof, context: ProofContext): void {
  for (const check of CLAIM_CHECKS) check(proof, context);
}

/** The form both sides of the `htu` comparison take: origin and path. */
export function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
