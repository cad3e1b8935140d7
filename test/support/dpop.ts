import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** A client's DPoP key pair (RFC 9449 §4): the public half travels in every proof. */
export interface DpopKey {
  readonly privateKey: Parameters<SignJWT['sign']>[0];
  readonly publicJwk: JWK;
  /** RFC 7638 thumbprint: what a bound token's `cnf.jkt` names (RFC 9449 §6.1). */
  readonly thumbprint: string;
}

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}

/** What a test may change in a proof, to make it wrong in one way. */
export interface ProofOptions {
  /** The access token the proof is for (`ath`, RFC 9449 §4.2). */
  readonly accessToken?: string;
  readonly nonce?: string;
  /** Epoch seconds; now by default. */
  readonly iat?: number;
  /** Replaces the protected header's members (alg, typ, jwk). */
  readonly header?: Record<string, unknown>;
  /** Added to (or replacing) the claims. */
  readonly claims?: Record<string, unknown>;
}

/** A DPoP proof JWT (RFC 9449 §4.2) for one request: `htm` and `htu` name it. */
export function dpopProof(
  key: DpopKey,
  htm: string,
  htu: string,
  options: ProofOptions = {},
): Promise<string> {
  const ath = options.accessToken
    ? createHash('sha256').update(options.accessToken).digest('base64url')
    : undefined;
  return new SignJWT({
    htm,
    htu,
    jti: randomUUID(),
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    ...(ath ? { ath } : {}),
    ...(options.nonce ? { nonce: options.nonce } : {}),
    ...options.claims,
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk, ...options.header })
    .sign(key.privateKey);
}
