import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** A client's DPoP key pair (RFC 9449 §4): the public half travels in every proof. */
export interface DpopKey {
  readonly privateKey: Parameters<SignJWT['sign']>[0];
  readonly publicJwk: JWK;
  /** RFC 7638 thumbprint: what a bound token's `cnf.jkt` names (RFC 9449 §6.1). */
  readonly thumbprint: string;
}

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}

/** A DPoP proof JWT (RFC 9449 §4.2) for one request: `htm` and `htu` name it. */
export function dpopProof(key: DpopKey, htm: string, htu: string): Promise<string> {
  return new SignJWT({ htm, htu, jti: randomUUID() })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })
    .setIssuedAt()
    .sign(key.privateKey);
}
