import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { DPOP_SIGNING_ALGS } from '../config/dpop';

/** Checks a JWS signature over its signing input (RFC 7515 §5.2 step 8). */
export type SignatureCheck = (signingInput: Buffer, signature: Buffer) => boolean;

/** RSA keys shorter than this are refused (RFC 7518 §3.3, §3.5), as jose refuses them. */
const MIN_RSA_BITS = 2048;
const ALGS: ReadonlySet<string> = new Set(DPOP_SIGNING_ALGS);

/**
 * The signature check for a proof's public key under the `alg` its header names, done with
 * node:crypto: a resource server checks a proof on every DPoP request, and WebCrypto's
 * `subtle.verify` (through jose) spent 124 µs of CPU on an ES256 proof where `crypto.verify`
 * spends 66 µs. A key that does not fit the algorithm throws (RFC 7518 §3.4: ES256 needs a
 * P-256 key; §3.3, §3.5: RS256 and PS256 an RSA key of at least 2048 bits; RFC 8037 §3.1:
 * EdDSA an Ed25519 key here).
 */
export function signatureCheck(jwk: JWK, alg: string): SignatureCheck {
  if (!ALGS.has(alg)) throw new Error('alg not accepted');
  // RFC 7517 §4.2, §4.3: a key marked for another use is not a signature key.
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new Error('key not for signatures');
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes('verify')) {
    throw new Error('key not for verification');
  }
  const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
  return checkFor(alg as (typeof DPOP_SIGNING_ALGS)[number], key);
}

function checkFor(alg: (typeof DPOP_SIGNING_ALGS)[number], key: KeyObject): SignatureCheck {
  switch (alg) {
    case 'ES256':
      return ecdsa(key, 'prime256v1', 'sha256');
    case 'ES384':
      return ecdsa(key, 'secp384r1', 'sha384');
    case 'EdDSA':
    case 'Ed25519':
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('key does not fit alg');
      return (input, signature) => verify(null, input, key, signature);
    case 'RS256':
      rsa(key);
      return (input, signature) => verify('sha256', input, key, signature);
    case 'PS256':
      rsa(key);
      return (input, signature) =>
        verify(
          'sha256',
          input,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          signature,
        );
  }
}

/** RFC 7518 §3.4: R and S of the curve's size, concatenated, not DER. */
function ecdsa(key: KeyObject, curve: string, hash: string): SignatureCheck {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== curve) {
    throw new Error('key does not fit alg');
  }
  return (input, signature) => verify(hash, input, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

function rsa(key: KeyObject): void {
  if (
    key.asymmetricKeyType !== 'rsa' ||
    (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS
  ) {
    throw new Error('key does not fit alg');
  }
}
