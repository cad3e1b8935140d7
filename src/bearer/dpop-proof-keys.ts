import { constants, KeyObject, verify, type VerifyKeyObjectInput } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { evictOldest } from '../core/bounded-map';

/**
 * A proof key that passed the header checks, and its RFC 7638 thumbprint (RFC 9449 §6.1).
 * `verifies` checks a JWS signature (RFC 7515 §5.2 step 8) over `signingInput` with node:crypto.
 */
export interface ProofKey {
  readonly jkt: string;
  verifies(signingInput: string, signature: Buffer): boolean;
}

/** RFC 7518 §3.1 and RFC 8037 §3.1: how node:crypto verifies each algorithm we accept. */
interface SignatureScheme {
  readonly hash: string | null;
  readonly options: Omit<VerifyKeyObjectInput, 'key'>;
  /** What the imported key must be beyond what the JWK import already enforced. */
  readonly fits: (key: KeyObject) => boolean;
}

const ecdsa = (hash: string, curve: string): SignatureScheme => ({
  hash,
  // RFC 7518 §3.4: R and S, fixed width each, not DER.
  options: { dsaEncoding: 'ieee-p1363' },
  fits: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve,
});
// RFC 7518 §3.3 and §3.5: RSA keys of 2048 bits or more; PSS with a salt as long as the hash.
const rsaBits = (key: KeyObject) =>
  key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
const ed25519: SignatureScheme = {
  hash: null,
  options: {},
  fits: (key) => key.asymmetricKeyType === 'ed25519',
};
const SCHEMES: Readonly<Record<string, SignatureScheme>> = {
  ES256: ecdsa('sha256', 'prime256v1'),
  ES384: ecdsa('sha384', 'secp384r1'),
  EdDSA: ed25519,
  Ed25519: ed25519,
  RS256: { hash: 'sha256', options: { padding: constants.RSA_PKCS1_PADDING }, fits: rsaBits },
  PS256: {
    hash: 'sha256',
    options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    fits: rsaBits,
  },
};

/**
 * Imported proof keys by their proof's protected header (typ, alg and jwk as the client
 * encoded them). A client signs every proof under the same header, so the import and the
 * thumbprint are paid once per client key, not per request. Bounded as an LRU; only headers
 * that passed every header check are put here.
 *
 * The import is jose's (it refuses a JWK that does not suit the algorithm); signatures are then
 * checked with node:crypto on the KeyObject, which costs a fraction of WebCrypto's
 * `subtle.verify` (its algorithm normalisation and job per call) on every proof.
 */
export class ProofKeys {
  private readonly entries = new Map<string, Promise<ProofKey>>();

  /** `max`: DPOP_PROOF_KEYS_MAX. */
  constructor(private readonly max: number) {}

  get(encodedHeader: string, jwk: JWK, alg: string): Promise<ProofKey> {
    const known = this.entries.get(encodedHeader);
    if (known) {
      this.entries.delete(encodedHeader);
      this.entries.set(encodedHeader, known);
      return known;
    }
    const imported = importProofKey(jwk, alg);
    this.entries.set(encodedHeader, imported);
    // A key that does not import is not remembered: the next proof fails afresh.
    imported.catch(() => this.entries.delete(encodedHeader));
    evictOldest(this.entries, this.max);
    return imported;
  }
}

async function importProofKey(jwk: JWK, alg: string): Promise<ProofKey> {
  const scheme = SCHEMES[alg];
  if (scheme === undefined) throw new TypeError(`no signature scheme for ${alg}`);
  const [imported, jkt] = await Promise.all([importJWK(jwk, alg), calculateJwkThumbprint(jwk)]);
  if (imported instanceof Uint8Array) throw new TypeError('a proof key must be asymmetric');
  const key = KeyObject.from(imported);
  if (key.type !== 'public' || !scheme.fits(key)) {
    throw new TypeError(`the proof key does not suit ${alg}`);
  }
  const input = { key, ...scheme.options };
  return {
    jkt,
    verifies: (signingInput, signature) =>
      verify(scheme.hash, Buffer.from(signingInput), input, signature),
  };
}
