import {
  createHash,
  generateKeyPairSync,
  randomUUID,
  sign,
  type KeyObject,
  type webcrypto,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** Nonces longer than this are no nonce a server of ours hands out; they are not kept. */
const MAX_NONCE = 256;

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * The MCP server's own DPoP key (RFC 9449 §4): an ES256 pair made at start whose private half
 * is never exported and never leaves this process. Tokens the MCP server gets by token exchange
 * are bound to it (§5), so a leaked exchanged token is useless without this process. It also
 * remembers the last nonce each origin handed out (§8, §9).
 *
 * Every tool call signs a proof, so proofs are signed with node:crypto on the KeyObject: about
 * 26 µs of CPU against 75 µs for WebCrypto's `subtle.sign` (its algorithm normalisation and
 * thread-pool job), on the bench machine. openid-client wants a CryptoKeyPair for the token
 * endpoint: the same key, handed over as a non-extractable CryptoKey.
 */
export class McpDpopKey {
  private readonly nonces = new Map<string, string>();
  /** The protected header is the same for every proof: encoded once (RFC 7515 §7.1). */
  private readonly encodedHeader: string;

  private constructor(
    private readonly privateKey: KeyObject,
    /** Origins whose nonce is remembered (DPOP_NONCE_ORIGINS_MAX); an MCP server's APIs are few. */
    private readonly maxOrigins: number,
    /** For openid-client's DPoP handle at the token endpoint. */
    readonly keyPair: webcrypto.CryptoKeyPair,
    publicJwk: JWK,
    /** RFC 7638 thumbprint: the `cnf.jkt` of every token bound to this key (§6.1). */
    readonly thumbprint: string,
  ) {
    this.encodedHeader = base64url({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk });
  }

  static async generate(maxOrigins: number): Promise<McpDpopKey> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyPair: webcrypto.CryptoKeyPair = {
      privateKey: privateKey.toCryptoKey(P256, false, ['sign']),
      publicKey: publicKey.toCryptoKey(P256, true, ['verify']),
    };
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    const publicJwk: JWK = { kty, crv, x, y };
    const thumbprint = await calculateJwkThumbprint(publicJwk);
    return new McpDpopKey(privateKey, maxOrigins, keyPair, publicJwk, thumbprint);
  }

  /**
   * A proof for one request (§4.2): `htu` is the URL without query and fragment, `ath` the
   * token's hash, `nonce` the last one this URL's origin handed out.
   */
  proof(method: string, url: string, accessToken: string): string {
    const target = new URL(url);
    const nonce = this.nonces.get(target.origin);
    const signingInput = `${this.encodedHeader}.${base64url({
      htm: method,
      htu: `${target.origin}${target.pathname}`,
      jti: randomUUID(),
      iat: Math.floor(Date.now() / 1000),
      ath: createHash('sha256').update(accessToken).digest('base64url'),
      ...(nonce !== undefined && { nonce }),
    })}`;
    // RFC 7518 §3.4: an ES256 signature is R and S, 32 octets each, not DER.
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  /** Keeps a `DPoP-Nonce` an origin sent (§9); an oversized or unprintable one is ignored. */
  rememberNonce(url: string, nonce: string | undefined): void {
    if (nonce === undefined || nonce.length > MAX_NONCE || !/^[\x21-\x7e]+$/.test(nonce)) return;
    const { origin } = new URL(url);
    if (!this.nonces.has(origin) && this.nonces.size >= this.maxOrigins) {
      const oldest = this.nonces.keys().next();
      if (!oldest.done) this.nonces.delete(oldest.value);
    }
    this.nonces.set(origin, nonce);
  }
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
