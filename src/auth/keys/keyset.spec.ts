import type { JWK } from 'jose';
import {
  activeKey,
  KeyPolicy,
  Keyset,
  keyStatuses,
  migratedKeyset,
  planRotation,
  publishedKeys,
  RETIREMENT_MARGIN_SECONDS,
  rotationDue,
  StoredSigningKey,
  withoutRetired,
} from './keyset';

const POLICY: KeyPolicy = {
  activationDelaySeconds: 100,
  longestTokenTtlSeconds: 300,
  rotationAgeSeconds: 1000,
};
const jwk = (kid: string): JWK => ({ kty: 'RSA', kid, n: 'n', e: 'AQAB' });
const key = (kid: string, activatesAt: number): StoredSigningKey => ({
  kid,
  jwk: jwk(kid),
  createdAt: activatesAt - 100,
  activatesAt,
});
const keyset = (...keys: StoredSigningKey[]): Keyset => ({ version: 1, keys });
const states = (set: Keyset, now: number) =>
  Object.fromEntries(keyStatuses(set, now, POLICY).map((s) => [s.key.kid, s.state]));

describe('keyStatuses', () => {
  // k1 active from 0, k2 from 1000: k1's last token expires at 1000 + 300.
  const set = keyset(key('k2', 1000), key('k1', 0));
  const retiresAt = 1000 + 300 + RETIREMENT_MARGIN_SECONDS;

  it('publishes a new key before it signs', () => {
    expect(states(set, 999)).toEqual({ k1: 'active', k2: 'pending' });
    expect(activeKey(set, 999, POLICY).kid).toBe('k1');
    expect(publishedKeys(set, 999, POLICY).map((k) => k.kid)).toEqual(['k1', 'k2']);
  });

  it('switches to the new key at its activation instant', () => {
    expect(states(set, 1000)).toEqual({ k1: 'previous', k2: 'active' });
    expect(activeKey(set, 1000, POLICY).kid).toBe('k2');
  });

  it('keeps the old key published until its last token has expired, then retires it', () => {
    expect(states(set, retiresAt - 1)).toEqual({ k1: 'previous', k2: 'active' });
    expect(states(set, retiresAt)).toEqual({ k1: 'retired', k2: 'active' });
    expect(publishedKeys(set, retiresAt, POLICY).map((k) => k.kid)).toEqual(['k2']);
    expect(keyStatuses(set, 0, POLICY).find((s) => s.key.kid === 'k1')!.retiresAt).toBe(retiresAt);
  });

  it('agrees on one active key whatever the stored order, ties broken by kid', () => {
    const tie = keyset(key('b', 500), key('a', 500), key('old', 0));
    const reversed = keyset(...[...tie.keys].reverse());
    expect(activeKey(tie, 600, POLICY).kid).toBe('b');
    expect(activeKey(reversed, 600, POLICY).kid).toBe('b');
  });

  it('measures retirement from the successor, even after two quick rotations', () => {
    const set3 = keyset(key('k1', 0), key('k2', 1000), key('k3', 1200));
    expect(states(set3, 1250)).toEqual({ k1: 'previous', k2: 'previous', k3: 'active' });
    expect(states(set3, 1200 + 300 + RETIREMENT_MARGIN_SECONDS)).toEqual({
      k1: 'retired',
      k2: 'retired',
      k3: 'active',
    });
  });

  it('has no active key only when none has started yet', () => {
    expect(() => activeKey(keyset(key('k', 50)), 10, POLICY)).toThrow('no active key');
  });
});

describe('planRotation', () => {
  const set = keyset(key('k1', 0));

  it('adds a key that activates after the activation delay', () => {
    const plan = planRotation(set, { kid: 'k2', jwk: jwk('k2') }, 500, POLICY);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.added).toMatchObject({ kid: 'k2', createdAt: 500, activatesAt: 600 });
    expect(states(plan.keyset, 599)).toEqual({ k1: 'active', k2: 'pending' });
    expect(states(plan.keyset, 600)).toEqual({ k1: 'previous', k2: 'active' });
  });

  it('refuses while another key is pending', () => {
    const pending = keyset(key('k1', 0), key('k2', 600));
    const plan = planRotation(pending, { kid: 'k3', jwk: jwk('k3') }, 550, POLICY);
    expect(plan).toMatchObject({ ok: false, reason: 'already_pending', pending: { kid: 'k2' } });
  });
});

describe('rotationDue', () => {
  it('is due once the active key has signed for the rotation age', () => {
    const set = keyset(key('k1', 0));
    expect(rotationDue(set, 999, POLICY)).toBe(false);
    expect(rotationDue(set, 1000, POLICY)).toBe(true);
  });

  it('is never due with a key pending or without a schedule', () => {
    expect(rotationDue(keyset(key('k1', 0), key('k2', 5000)), 4000, POLICY)).toBe(false);
    expect(
      rotationDue(keyset(key('k1', 0)), 10_000, { ...POLICY, rotationAgeSeconds: undefined }),
    ).toBe(false);
  });
});

describe('withoutRetired', () => {
  it('drops only keys whose tokens can no longer be valid', () => {
    const set = keyset(key('k1', 0), key('k2', 1000), key('k3', 5000));
    const { keyset: kept, retired } = withoutRetired(set, 1400, POLICY);
    expect(retired.map((k) => k.kid)).toEqual(['k1']);
    expect(kept.keys.map((k) => k.kid)).toEqual(['k2', 'k3']);
    expect(withoutRetired(set, 1300, POLICY).retired).toEqual([]);
  });
});

describe('migratedKeyset', () => {
  it('makes the single key of earlier versions the active key', () => {
    const set = migratedKeyset({ keys: [jwk('legacy')] }, 12345);
    expect(activeKey(set, 12345, POLICY).kid).toBe('legacy');
    expect(set.keys[0]).toMatchObject({ kid: 'legacy', createdAt: 12345, activatesAt: 0 });
  });
});
