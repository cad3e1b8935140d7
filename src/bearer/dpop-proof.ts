import { decodeProtectedHeader, type JWK, type JWTPayload } from 'jose';
import { DPOP_SIGNING_ALGS } from '../config/dpop';
import { BearerError } from './bearer.error';
import type { ProofKeys } from './dpop-proof-keys';

/**
 * The most a proof may be, checked before any parsing. A proof is a header with one public key
 * and a handful of short claims: an RSA-4096 key and a long `htu` fit well within this.
 */
export const MAX_PROOF_CHARS = 4_096;
const MAX_CLAIM_CHARS = 2_048;
const MAX_JTI_CHARS = 256;

/** The JWK members that make a key private or symmetric (RFC 7517, RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const PUBLIC_KEY_TYPES: ReadonlySet<unknown> = new Set(['EC', 'OKP', 'RSA']);
const ALGS: ReadonlySet<unknown> = new Set(DPOP_SIGNING_ALGS);
const BASE64URL = /^[\w-]*$/;
/** RFC 7519 §7.2 step 10: the claims are UTF-8 JSON; bad octets fail rather than turn into U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A proof whose signature verified under the key it carries; its claims still to be checked. */
export interface SignedProof {
  /** RFC 7638 thumbprint of the proof key: what a bound token's `cnf.jkt` must name. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  readonly htm: string;
  readonly htu: string;
  readonly ath: string | undefined;
  readonly nonce: unknown;
}

/**
 * RFC 9449 §4.3 steps 1-7: exactly one well-formed proof JWT, `typ` dpop+jwt, an asymmetric
 * `alg` we accept, a public `jwk` in the header that verifies the signature, and the claims of
 * §4.2 present with the right types. Every failure is invalid_dpop_proof (§7.1).
 */
export async function readProof(
  header: string | string[] | undefined,
  keys: ProofKeys,
): Promise<SignedProof> {
  if (header === undefined || header === '') throw invalidProof('a DPoP proof is required');
  if (typeof header !== 'string') throw invalidProof('exactly one DPoP proof is allowed');
  if (header.length > MAX_PROOF_CHARS) throw invalidProof('DPoP proof too large');
  const { jwk, alg } = proofHeader(header);
  const parts = header.split('.');
  // RFC 7515 §7.1: compact serialization is exactly three base64url parts.
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw invalidProof('DPoP proof is not a compact JWS');
  }
  const [encodedHeader = '', encodedPayload = '', signature = ''] = parts;
  // Every proof is verified here, on every request to a DPoP-bound API: the signature is checked
  // by the cached key's node:crypto verifier and the claims set read below, the checks that
  // jose's jwtVerify makes for such a proof, at a fraction of its WebCrypto cost.
  let jkt: string | undefined;
  try {
    const proofKey = await keys.get(encodedHeader, jwk, alg);
    const signingInput = `${encodedHeader}.${encodedPayload}`;
    if (proofKey.verifies(signingInput, Buffer.from(signature, 'base64url'))) jkt = proofKey.jkt;
  } catch {
    jkt = undefined;
  }
  if (jkt === undefined) throw invalidProof('DPoP proof signature or key invalid');
  return { jkt, ...proofClaims(claimsSet(encodedPayload)) };
}

/** RFC 7519 §7.2 steps 9-10 and §4.1.4-5: a JSON object whose `exp` and `nbf` hold now. */
function claimsSet(encodedPayload: string): JWTPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(UTF8.decode(Buffer.from(encodedPayload, 'base64url')));
  } catch {
    throw invalidProof('DPoP proof claims are not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw invalidProof('DPoP proof claims must be a JSON object');
  }
  const claims = payload as JWTPayload;
  const now = Math.floor(Date.now() / 1000);
  const { exp, nbf } = claims;
  if (exp !== undefined && (typeof exp !== 'number' || exp <= now)) {
    throw invalidProof('DPoP proof expired');
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) {
    throw invalidProof('DPoP proof not yet valid');
  }
  return claims;
}

function proofHeader(proof: string): { jwk: JWK; alg: string } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw invalidProof('DPoP proof is not a JWT');
  }
  if (header.typ !== 'dpop+jwt') throw invalidProof('DPoP proof typ must be dpop+jwt');
  // RFC 7515 §4.1.11: critical extensions must be understood; RFC 9449 defines none.
  if (header.crit !== undefined) throw invalidProof('DPoP proof crit not accepted');
  // RFC 9449 §4.3 step 5: `none` and symmetric algorithms never; only those we advertise.
  if (!ALGS.has(header.alg)) throw invalidProof('DPoP proof alg not accepted');
  const { jwk } = header;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalidProof('DPoP proof header must carry the public key (jwk)');
  }
  // §4.3 step 7: the key must be public; a private key in a header is a leaked key.
  if (!PUBLIC_KEY_TYPES.has(jwk.kty) || PRIVATE_MEMBERS.some((member) => member in jwk)) {
    throw invalidProof('DPoP proof jwk must be a public asymmetric key');
  }
  return { jwk, alg: String(header.alg) };
}

function proofClaims(payload: JWTPayload): Omit<SignedProof, 'jkt'> {
  const { jti, iat, htm, htu, ath, nonce } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_CHARS) {
    throw invalidProof('DPoP proof needs a jti');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidProof('DPoP proof needs iat');
  if (typeof htm !== 'string' || htm.length > 16) throw invalidProof('DPoP proof needs htm');
  if (typeof htu !== 'string' || htu.length > MAX_CLAIM_CHARS) {
    throw invalidProof('DPoP proof needs htu');
  }
  if (ath !== undefined && (typeof ath !== 'string' || ath.length > 64)) {
    throw invalidProof('DPoP proof ath invalid');
  }
  return { jti, iat, htm, htu, ath, nonce };
}

export function invalidProof(message: string): BearerError {
  return new BearerError('invalid_dpop_proof', message);
}
