import { createPublicKey, verify } from 'node:crypto';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres';
import { PostgresAuthStore } from '../../storage/postgres/postgres.store';
import { SqliteAuthStore } from '../../storage/sqlite/sqlite.store';
import type { AuthStore } from '../../storage/store';
import { KeyPolicy } from './keyset';
import { rotateKeys } from './keyset.operations';
import { KEYSET_SECRET, LEGACY_KEYS_SECRET, newSigningKey } from './keyset.store';
import { SigningKeyRing } from './signing-key-ring';

const POLICY: KeyPolicy = {
  activationDelaySeconds: 60,
  longestTokenTtlSeconds: 300,
  rotationAgeSeconds: 3600,
};
const logger = pino({ level: 'silent' });

describe('SigningKeyRing', () => {
  let store: SqliteAuthStore;
  beforeEach(() => (store = new SqliteAuthStore(':memory:')));
  afterEach(() => store.close());

  it('migrates a single-key deployment: the old key becomes the active key', async () => {
    const legacy = await newSigningKey();
    await store.putSecretIfAbsent(LEGACY_KEYS_SECRET, JSON.stringify({ keys: [legacy.jwk] }));

    const ring = await SigningKeyRing.open(store, POLICY, logger, () => 1000);

    expect(ring.activeKid()).toBe(legacy.kid);
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual([legacy.kid]);
    expect(await store.getSecret(KEYSET_SECRET)).toContain(legacy.kid);
  });

  it('signs with the key it is told and publishes only public members', async () => {
    const ring = await SigningKeyRing.open(store, POLICY, logger, () => 1000);
    const kid = ring.activeKid();
    const signature = await ring.sign(kid, Buffer.from('data'));
    const [jwk] = ring.publicJwks().keys;

    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const publicKey = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    expect(verify('sha256', Buffer.from('data'), publicKey, signature)).toBe(true);
    await expect(ring.sign('unknown', Buffer.from('data'))).rejects.toThrow('not usable');
  });

  it('learns a rotation on refresh and follows the clock through its lifecycle', async () => {
    let now = 1000;
    const ring = await SigningKeyRing.open(store, POLICY, logger, () => now);
    const first = ring.activeKid();
    const rotated = await rotateKeys(store, () => now, POLICY);
    if (rotated.outcome !== 'rotated') throw new Error(rotated.outcome);
    const second = rotated.key.kid;

    await ring.refresh();
    expect(ring.activeKid()).toBe(first);
    expect(ring.publishedKidsActiveFirst()).toEqual([first, second]);

    now = 1060;
    expect(ring.activeKid()).toBe(second);
    expect(ring.publicKey(first)).toBeDefined();

    now = 1060 + 300 + 10;
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual([second]);
    expect(ring.publicKey(first)).toBeUndefined();
    await expect(ring.sign(first, Buffer.from('x'))).rejects.toThrow('not usable');
  });
});

describe('scheduled rotation across replicas on PostgreSQL', () => {
  let db: TestDatabase | undefined;
  const stores: AuthStore[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db?.drop();
  });

  it('lets exactly one of several replicas rotate when the schedule is due', async () => {
    if (!db) throw new Error('PostgreSQL unavailable (see SKIPPED above)');
    for (let i = 0; i < 4; i++) stores.push(await PostgresAuthStore.connect(db.url));
    let now = 1000;
    const rings = await Promise.all(
      stores.map((s) => SigningKeyRing.open(s, POLICY, logger, () => now)),
    );
    const original = rings[0]!.activeKid();

    now = 1000 + 3600;
    await Promise.all(rings.map((r) => r.refresh()));

    const keysets = rings.map((r) => r.keyset.keys.map((k) => k.kid));
    expect(keysets[0]).toHaveLength(2);
    for (const kids of keysets) expect(kids).toEqual(keysets[0]);
    now += 60;
    expect(new Set(rings.map((r) => r.activeKid()))).toEqual(new Set([keysets[0]![1]]));
    expect(rings[0]!.activeKid()).not.toBe(original);
  });
});
