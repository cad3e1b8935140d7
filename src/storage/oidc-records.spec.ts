import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/**
 * The AuthStore contract for single use, refresh-token successors, revocations and login
 * failures: what must hold when several processes share the storage.
 */
onEveryEngine((open: OpenStore) => {
  const at = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);

  describe('consume', () => {
    it('lets exactly one of many parallel callers on two connections consume a record', async () => {
      const [a, b] = [await open(), await open()];
      await a.upsert('AuthorizationCode', 'code', { grantId: 'g1', scope: 'openid' }, 60);

      const won = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).consume('AuthorizationCode', 'code')),
      );

      expect(won.filter(Boolean)).toHaveLength(1);
      const found = await b.find('AuthorizationCode', 'code');
      expect(found).toMatchObject({ grantId: 'g1', scope: 'openid' });
      expect(found!.consumed).toBeCloseTo(Date.now() / 1000, -1);
    });

    it('refuses what is missing, expired or of another model', async () => {
      const store = await open();
      const start = Date.now();
      await store.upsert('DeviceCode', 'short', {}, 60);
      await store.upsert('RefreshToken', 'same-id', {}, 60);

      expect(await store.consume('DeviceCode', 'nothing')).toBe(false);
      expect(await store.consume('AuthorizationCode', 'same-id')).toBe(false);
      at(start + 61_000);
      expect(await store.consume('DeviceCode', 'short')).toBe(false);
    });

    it('keeps the first consumption time and records the successor on the used record', async () => {
      const store = await open();
      const first = Date.now();
      await store.upsert('RefreshToken', 'rt1', { grantId: 'g1' }, 3600);
      expect(await store.consumption('RefreshToken', 'rt1')).toBeUndefined();

      at(first);
      expect(await store.consume('RefreshToken', 'rt1')).toBe(true);
      at(first + 20_000);
      expect(await store.consume('RefreshToken', 'rt1')).toBe(false);
      await store.recordSuccessor('RefreshToken', 'rt1', 'rt2');

      expect(await store.consumption('RefreshToken', 'rt1')).toEqual({
        consumedAt: first,
        successorId: 'rt2',
      });
      // Another upsert of the record (oidc-provider saving it) does not make it unused.
      await store.upsert('RefreshToken', 'rt1', { grantId: 'g1' }, 3600);
      expect((await store.consumption('RefreshToken', 'rt1'))?.consumedAt).toBe(first);
    });

    it('records one successor only, and gives back only a consumption that produced none', async () => {
      const store = await open();
      const first = Date.now();
      await store.upsert('RefreshToken', 'rt1', { grantId: 'g1' }, 3600);
      await store.upsert('RefreshToken', 'rt2', { grantId: 'g1' }, 3600);
      at(first);
      await store.consume('RefreshToken', 'rt1');
      await store.consume('RefreshToken', 'rt2');

      // A consumption is given back only as it was seen: same time, still without successor.
      expect(await store.releaseConsumption('RefreshToken', 'rt1', first - 1)).toBe(false);
      expect(await store.releaseConsumption('RefreshToken', 'rt1', first)).toBe(true);
      expect(await store.consumption('RefreshToken', 'rt1')).toBeUndefined();
      expect(await store.consume('RefreshToken', 'rt1')).toBe(true);

      const outcomes = await Promise.all(
        ['a', 'b', 'c', 'd'].map((s) => store.recordSuccessor('RefreshToken', 'rt2', `rt2-${s}`)),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = `rt2-${['a', 'b', 'c', 'd'][outcomes.indexOf(true)]}`;
      expect((await store.consumption('RefreshToken', 'rt2'))?.successorId).toBe(winner);
      expect(await store.releaseConsumption('RefreshToken', 'rt2', first)).toBe(false);
    });
  });

  it('revokeByGrantId removes that model’s rows of the grant and nothing else', async () => {
    const store = await open();
    await store.upsert('AccessToken', 'a', { grantId: 'g1' }, 60);
    await store.upsert('RefreshToken', 'r', { grantId: 'g1' }, 60);
    await store.upsert('RefreshToken', 'other', { grantId: 'g2' }, 60);
    await store.revokeGrant('g1', Date.now() + 60_000);

    await store.revokeByGrantId('RefreshToken', 'g1');

    expect(await store.find('RefreshToken', 'r')).toBeUndefined();
    expect(await store.find('AccessToken', 'a')).toEqual({ grantId: 'g1' });
    expect(await store.find('RefreshToken', 'other')).toEqual({ grantId: 'g2' });
    expect(await store.isRevoked('jti', 'g1')).toBe(true);
  });

  describe('revocation list', () => {
    it('answers for a token or its grant until the entry expires, on every connection', async () => {
      const [a, b] = [await open(), await open()];
      const start = Date.now();
      await a.revokeAccessToken('jti-1', start + 60_000);
      await a.revokeGrant('grant-1', start + 10_000);

      expect(await b.isRevoked('jti-1', undefined)).toBe(true);
      expect(await b.isRevoked('jti-2', 'grant-1')).toBe(true);
      expect(await b.isRevoked('jti-2', 'grant-2')).toBe(false);
      expect(await b.isRevoked('grant-1', undefined)).toBe(false);
      at(start + 11_000);
      expect(await b.isRevoked('jti-2', 'grant-1')).toBe(false);
      expect(await b.isRevoked('jti-1', 'grant-1')).toBe(true);
    });

    it('keeps the later expiry when revoked twice', async () => {
      const store = await open();
      const start = Date.now();
      await store.revokeGrant('grant-1', start + 60_000);
      await store.revokeGrant('grant-1', start + 1_000);
      await store.revokeAccessToken('jti-1', start + 60_000);
      await store.revokeAccessToken('jti-1', start + 1_000);

      at(start + 30_000);
      expect(await store.isRevoked('jti-x', 'grant-1')).toBe(true);
      expect(await store.isRevoked('jti-1', undefined)).toBe(true);
    });
  });

  describe('attempt counters', () => {
    it('counts parallel failures from two connections exactly once each', async () => {
      const [a, b] = [await open(), await open()];

      const counts = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).countAttempt('k', 600)),
      );

      expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    });

    it('anchors the window at the first failure and starts a new one after it', async () => {
      const store = await open();
      const start = 1_800_000_000_000;
      at(start);
      await store.countAttempt('k', 600);
      at(start + 300_000);
      expect(await store.countAttempt('k', 600)).toEqual({ count: 2, firstAt: start });
      at(start + 600_000);
      expect(await store.countAttempt('k', 600)).toEqual({
        count: 1,
        firstAt: start + 600_000,
      });
    });

    it('takes back one failure, never below zero', async () => {
      const store = await open();
      await store.countAttempt('k', 600);
      await store.uncountAttempt('k');
      await store.uncountAttempt('k');
      await store.uncountAttempt('missing');

      expect((await store.countAttempt('k', 600)).count).toBe(1);
    });
  });

  it('deleteExpired removes expired rows of every table, and only those', async () => {
    const store = await open();
    const start = Date.now();
    await store.upsert('Session', 'short', {}, 10);
    await store.upsert('Session', 'long', {}, 3600);
    await store.revokeAccessToken('jti-short', start + 10_000);
    await store.revokeGrant('grant-long', start + 3_600_000);
    await store.countAttempt('k', 10);

    at(start + 11_000);
    expect(await store.deleteExpired()).toBe(3);
    expect(await store.find('Session', 'long')).toEqual({});
    expect(await store.isRevoked('x', 'grant-long')).toBe(true);
  });
});
