import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../../storage/secret-store';

const COOKIE_KEYS = 'oidc.cookie-keys';

/** Cookie signing keys: configured ones in production, otherwise generated once and stored. */
export async function loadCookieKeys(
  store: SecretStore,
  configured: readonly string[] | undefined,
) {
  if (configured) return [...configured];
  const existing = await store.getSecret(COOKIE_KEYS);
  if (existing) return JSON.parse(existing) as string[];
  const stored = await store.putSecretIfAbsent(
    COOKIE_KEYS,
    JSON.stringify([randomBytes(32).toString('base64url')]),
  );
  return JSON.parse(stored) as string[];
}
