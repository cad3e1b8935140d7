import { hkdfSync, randomBytes } from 'node:crypto';
import { DPOP_NONCE_SECRET_NAME } from '../config/dpop';
import type { SecretStore } from './secret-store';

/**
 * The key a role makes and checks DPoP nonces with (RFC 9449 §8, §9): derived (HKDF, RFC 5869)
 * from one random secret kept in the shared store, so every replica of a role derives the same
 * key and accepts the nonces any other replica issued, with nothing shared per request. Each
 * role derives its own key: a nonce from the AuthServer is no nonce at a resource server.
 */
export async function dpopNonceKey(store: SecretStore, role: string): Promise<Buffer> {
  const secret =
    (await store.getSecret(DPOP_NONCE_SECRET_NAME)) ??
    (await store.putSecretIfAbsent(DPOP_NONCE_SECRET_NAME, randomBytes(32).toString('base64url')));
  const key = hkdfSync('sha256', Buffer.from(secret, 'base64url'), '', `DPoP nonce ${role}`, 32);
  return Buffer.from(key);
}
