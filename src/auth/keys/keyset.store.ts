import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SecretStore } from '../../storage/secret-store';
import { Keyset, migratedKeyset, parseKeyset } from './keyset';

/** The keyset document, in the store's secrets. */
export const KEYSET_SECRET = 'oidc.signing-keyset';
/**
 * The single key of earlier versions (`{ keys: [jwk] }`). Read once to migrate and left in
 * place, so a rollback to the earlier version still finds its key.
 */
export const LEGACY_KEYS_SECRET = 'oidc.signing-keys';

export interface StoredKeyset {
  readonly keyset: Keyset;
  /** The document exactly as stored: the `expected` value of the next compare-and-swap. */
  readonly raw: string;
}

export async function newSigningKey(): Promise<{ kid: string; jwk: JWK }> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(exported);
  return { kid, jwk: { ...exported, kid, alg: 'RS256', use: 'sig' } };
}

/**
 * Reads the keyset, creating it on first start: from the earlier single key when there is one
 * (it becomes the active key), otherwise from a new key. When several processes start at once
 * the store keeps the first document written and everyone uses it.
 */
export async function loadKeyset(store: SecretStore, now: number): Promise<StoredKeyset> {
  const existing = await store.getSecret(KEYSET_SECRET);
  if (existing) return { keyset: parseKeyset(existing), raw: existing };

  const legacy = await store.getSecret(LEGACY_KEYS_SECRET);
  const initial = legacy
    ? migratedKeyset(JSON.parse(legacy) as { keys: JWK[] }, now)
    : {
        version: 1 as const,
        keys: [{ ...(await newSigningKey()), createdAt: now, activatesAt: 0 }],
      };
  const raw = await store.putSecretIfAbsent(KEYSET_SECRET, JSON.stringify(initial));
  return { keyset: parseKeyset(raw), raw };
}

/**
 * Replaces the keyset read as `current` with `next`, unless another process changed it in
 * between: the compare-and-swap decides which of two concurrent rotations happens.
 */
export function replaceKeyset(
  store: SecretStore,
  current: StoredKeyset,
  next: Keyset,
): Promise<boolean> {
  return store.replaceSecret(KEYSET_SECRET, current.raw, JSON.stringify(next));
}
