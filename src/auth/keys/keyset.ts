import type { JWK } from 'jose';

/**
 * The signing keyset: every key the AuthServer holds, with the instants that decide its state.
 * Stored as one JSON document, so a change is one compare-and-swap and every replica derives
 * the same states from the same document and the clock, with no further coordination.
 */
export interface StoredSigningKey {
  readonly kid: string;
  /** RS256 private key (RFC 7517); never leaves the AuthServer. */
  readonly jwk: JWK;
  /** Epoch seconds. */
  readonly createdAt: number;
  /** Epoch seconds from which this key signs (until a later key activates). */
  readonly activatesAt: number;
}

export interface Keyset {
  readonly version: 1;
  readonly keys: readonly StoredSigningKey[];
}

/** What the keyset's instants are measured against. */
export interface KeyPolicy {
  /** How long a new key is published before it signs (KEY_ACTIVATION_DELAY_SECONDS). */
  readonly activationDelaySeconds: number;
  /** The longest lifetime of any JWT signed with these keys (access, ID, exchanged). */
  readonly longestTokenTtlSeconds: number;
  /** Automatic rotation age (KEY_ROTATION_DAYS), or undefined for manual rotation only. */
  readonly rotationAgeSeconds: number | undefined;
}

/**
 * pending: published, not yet signing (resource servers fetch it meanwhile).
 * active: the one key that signs now. previous: no longer signs, still published because tokens
 * it signed may still be valid. retired: every token it signed has expired; not published.
 */
export type KeyState = 'pending' | 'active' | 'previous' | 'retired';

export interface KeyStatus {
  readonly key: StoredSigningKey;
  readonly state: KeyState;
  /** When the key stops being published (epoch seconds); undefined while nothing supersedes it. */
  readonly retiresAt: number | undefined;
}

/**
 * Slack after a superseded key's last token expires before the key leaves the JWKS: resource
 * servers accept tokens for 5 s past `exp` (clock tolerance) and replicas' clocks may differ by a
 * few seconds.
 */
export const RETIREMENT_MARGIN_SECONDS = 10;

/** Activation order: the later activation wins; ties (same second) by kid, so everyone agrees. */
function byActivation(a: StoredSigningKey, b: StoredSigningKey): number {
  return a.activatesAt - b.activatesAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);
}

/**
 * The state of every key at `now`: a pure function of the keyset, the policy and the time, so
 * every replica reading the same document computes the same active key. Sorted by activation.
 */
export function keyStatuses(keyset: Keyset, now: number, policy: KeyPolicy): KeyStatus[] {
  const ordered = [...keyset.keys].sort(byActivation);
  const started = ordered.filter((k) => k.activatesAt <= now);
  const active = started.at(-1);
  return ordered.map((key, i) => {
    const successor = ordered[i + 1];
    // A key signs until its successor activates; its last token expires one longest TTL later.
    const retiresAt = successor
      ? successor.activatesAt + policy.longestTokenTtlSeconds + RETIREMENT_MARGIN_SECONDS
      : undefined;
    let state: KeyState;
    if (key.activatesAt > now) state = 'pending';
    else if (key === active) state = 'active';
    else if (retiresAt !== undefined && now >= retiresAt) state = 'retired';
    else state = 'previous';
    return { key, state, retiresAt };
  });
}

export function activeKey(keyset: Keyset, now: number, policy: KeyPolicy): StoredSigningKey {
  const active = keyStatuses(keyset, now, policy).find((s) => s.state === 'active');
  if (!active) throw new Error('the signing keyset has no active key');
  return active.key;
}

/** The keys to publish in the JWKS: all but the retired ones. */
export function publishedKeys(keyset: Keyset, now: number, policy: KeyPolicy): StoredSigningKey[] {
  return keyStatuses(keyset, now, policy)
    .filter((s) => s.state !== 'retired')
    .map((s) => s.key);
}

export type RotationRefusal = 'already_pending';

export type RotationPlan =
  | { readonly ok: true; readonly keyset: Keyset; readonly added: StoredSigningKey }
  | { readonly ok: false; readonly reason: RotationRefusal; readonly pending: StoredSigningKey };

/**
 * Adds `key` as the next key, active after the activation delay. Refused while another key is
 * pending: a second new key would cut the first one's publication time short.
 */
export function planRotation(
  keyset: Keyset,
  key: { kid: string; jwk: JWK },
  now: number,
  policy: KeyPolicy,
): RotationPlan {
  const pending = keyStatuses(keyset, now, policy).find((s) => s.state === 'pending');
  if (pending) return { ok: false, reason: 'already_pending', pending: pending.key };
  const added: StoredSigningKey = {
    ...key,
    createdAt: now,
    activatesAt: now + policy.activationDelaySeconds,
  };
  return { ok: true, keyset: { version: 1, keys: [...keyset.keys, added] }, added };
}

/**
 * Whether the scheduled rotation is due: rotation is on, no key is pending, and the active key
 * has signed for at least the rotation age.
 */
export function rotationDue(keyset: Keyset, now: number, policy: KeyPolicy): boolean {
  if (policy.rotationAgeSeconds === undefined) return false;
  const statuses = keyStatuses(keyset, now, policy);
  if (statuses.some((s) => s.state === 'pending')) return false;
  const active = statuses.find((s) => s.state === 'active');
  return active !== undefined && now - active.key.activatesAt >= policy.rotationAgeSeconds;
}

/** The keyset without its retired keys, and which went. */
export function withoutRetired(
  keyset: Keyset,
  now: number,
  policy: KeyPolicy,
): { keyset: Keyset; retired: StoredSigningKey[] } {
  const statuses = keyStatuses(keyset, now, policy);
  const retired = statuses.filter((s) => s.state === 'retired').map((s) => s.key);
  const keys = keyset.keys.filter((k) => !retired.includes(k));
  return { keyset: { version: 1, keys }, retired };
}

/** A single-key deployment's key (the original `{ keys: [jwk] }` secret) becomes the active key. */
export function migratedKeyset(legacy: { keys: readonly JWK[] }, now: number): Keyset {
  return {
    version: 1,
    keys: legacy.keys.map((jwk) => ({
      kid: jwk.kid!,
      jwk,
      createdAt: now,
      // Active since "always": any token already out there was signed with it.
      activatesAt: 0,
    })),
  };
}

/** Parses a stored keyset; throws with a clear message when the document is not one. */
export function parseKeyset(json: string): Keyset {
  const value = JSON.parse(json) as { version?: unknown; keys?: unknown };
  const keys: readonly Partial<StoredSigningKey>[] = Array.isArray(value.keys) ? value.keys : [];
  const valid =
    value.version === 1 &&
    keys.length > 0 &&
    keys.every(
      (k) =>
        typeof k.kid === 'string' &&
        typeof k.activatesAt === 'number' &&
        typeof k.createdAt === 'number' &&
        k.jwk?.kty === 'RSA',
    );
  if (!valid) throw new Error('the stored signing keyset is malformed');
  return { version: 1, keys: keys as StoredSigningKey[] };
}
