import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { AuthStore } from '../../storage/store';

const SIGNING_KEYS = 'oidc.signing-keys';
const COOKIE_KEYS = 'oidc.cookie-keys';

/**
 * The provider's private JWKS. Generated on first boot and stored, so restarts keep the key
 * every issued token was signed with; when several processes boot at once the store keeps the
 * first one written and everyone uses it.
 */
export async function loadSigningKeys(store: AuthStore): Promise<{ keys: JWK[] }> {
  const existing = await store.getSecret(SIGNING_KEYS);
  if (existing) return JSON.parse(existing) as { keys: JWK[] };

  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const key: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
  const stored = await store.putSecretIfAbsent(SIGNING_KEYS, JSON.stringify({ keys: [key] }));
  return JSON.parse(stored) as { keys: JWK[] };
}

/** Cookie signing keys: configured ones in production, otherwise generated once and stored. */
export async function loadCookieKeys(store: AuthStore, configured: readonly string[] | undefined) {
  if (configured) return [...configured];
  const existing = await store.getSecret(COOKIE_KEYS);
  if (existing) return JSON.parse(existing) as string[];
  const stored = await store.putSecretIfAbsent(
    COOKIE_KEYS,
    JSON.stringify([randomBytes(32).toString('base64url')]),
  );
  return JSON.parse(stored) as string[];
}
