import { createHash, randomUUID, type webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';

/** Nonces longer than this are no nonce a server of ours hands out; they are not kept. */
const MAX_NONCE = 256;
/** Origins whose nonce is remembered; the APIs behind one MCP server are few. */
const MAX_ORIGINS = 100;

/**
 * The MCP server's own DPoP key (RFC 9449 §4): an ES256 pair made at start, whose private half
 * is a non-extractable WebCrypto key that never leaves this process. Tokens the MCP server
 * gets by token exchange are bound to it (§5), so a leaked exchanged token is useless without
 * this process. It also remembers the last nonce each origin handed out (§8, §9).
 */
export class McpDpopKey {
  private readonly nonces = new Map<string, string>();

  private constructor(
    /** For openid-client's DPoP handle at the token endpoint. */
    readonly keyPair: webcrypto.CryptoKeyPair,
    private readonly publicJwk: JWK,
    /** RFC 7638 thumbprint: the `cnf.jkt` of every token bound to this key (§6.1). */
    readonly thumbprint: string,
  ) {}

  static async generate(): Promise<McpDpopKey> {
    const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    const { kty, crv, x, y } = await exportJWK(keyPair.publicKey);
    const publicJwk: JWK = { kty, crv, x, y };
    return new McpDpopKey(keyPair, publicJwk, await calculateJwkThumbprint(publicJwk));
  }

  /**
   * A proof for one request (§4.2): `htu` is the URL without query and fragment, `ath` the
   * token's hash, `nonce` the last one this URL's origin handed out.
   */
  proof(method: string, url: string, accessToken: string): Promise<string> {
    const target = new URL(url);
    const nonce = this.nonces.get(target.origin);
    return new SignJWT({
      htm: method,
      htu: `${target.origin}${target.pathname}`,
      jti: randomUUID(),
      iat: Math.floor(Date.now() / 1000),
      ath: createHash('sha256').update(accessToken).digest('base64url'),
      ...(nonce !== undefined && { nonce }),
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: this.publicJwk })
      .sign(this.keyPair.privateKey);
  }

  /** Keeps a `DPoP-Nonce` an origin sent (§9); an oversized or unprintable one is ignored. */
  rememberNonce(url: string, nonce: string | undefined): void {
    if (nonce === undefined || nonce.length > MAX_NONCE || !/^[\x21-\x7e]+$/.test(nonce)) return;
    const { origin } = new URL(url);
    if (!this.nonces.has(origin) && this.nonces.size >= MAX_ORIGINS) {
      const oldest = this.nonces.keys().next();
      if (!oldest.done) this.nonces.delete(oldest.value);
    }
    this.nonces.set(origin, nonce);
  }
}
