import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from 'jose';

/** A proof key that passed the header checks, and its RFC 7638 thumbprint (RFC 9449 §6.1). */
export interface ProofKey {
  readonly key: CryptoKey | Uint8Array;
  readonly jkt: string;
}

/**
 * Imported proof keys by their proof's protected header (typ, alg and jwk as the client
 * encoded them). A client signs every proof under the same header, so the import and the
 * thumbprint are paid once per client key, not per request. Bounded as an LRU; only headers
 * that passed every header check are put here.
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
    while (this.entries.size > this.max) {
      const coldest = this.entries.keys().next();
      if (coldest.done) break;
      this.entries.delete(coldest.value);
    }
    return imported;
  }
}

async function importProofKey(jwk: JWK, alg: string): Promise<ProofKey> {
  const [key, jkt] = await Promise.all([importJWK(jwk, alg), calculateJwkThumbprint(jwk)]);
  return { key, jkt };
}
