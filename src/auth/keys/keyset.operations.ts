import type { SecretStore } from '../../storage/secret-store';
import { KeyPolicy, planRotation, StoredSigningKey, withoutRetired } from './keyset';
import { loadKeyset, newSigningKey, replaceKeyset } from './keyset.store';

export type RotationResult =
  | { readonly outcome: 'rotated'; readonly key: StoredSigningKey }
  | { readonly outcome: 'already_pending'; readonly key: StoredSigningKey }
  /** Another process changed the keyset between our read and our write; nothing was written. */
  | { readonly outcome: 'lost_race' };

/**
 * Adds a new signing key that activates after the activation delay (one compare-and-swap). The
 * clock is read after the key is generated, so the delay counts from (almost) the write.
 */
export async function rotateKeys(
  store: SecretStore,
  clock: () => number,
  policy: KeyPolicy,
): Promise<RotationResult> {
  const key = await newSigningKey();
  const current = await loadKeyset(store, clock());
  const plan = planRotation(current.keyset, key, clock(), policy);
  if (!plan.ok) return { outcome: 'already_pending', key: plan.pending };
  const swapped = await replaceKeyset(store, current, plan.keyset);
  return swapped ? { outcome: 'rotated', key: plan.added } : { outcome: 'lost_race' };
}

/**
 * Drops the keys whose every token has expired. They already left the JWKS at their retirement
 * time; this only removes the private keys from the store. Undefined when another process
 * changed the keyset meanwhile.
 */
export async function retireKeys(
  store: SecretStore,
  now: number,
  policy: KeyPolicy,
): Promise<StoredSigningKey[] | undefined> {
  const current = await loadKeyset(store, now);
  const { keyset, retired } = withoutRetired(current.keyset, now, policy);
  if (retired.length === 0) return [];
  return (await replaceKeyset(store, current, keyset)) ? retired : undefined;
}
