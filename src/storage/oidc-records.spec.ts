import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/**
 * The OidcRecordStore, ConsumptionLog and AccountGrants contract (oidc-records.ts): what
 * oidc-provider's adapter relies on, and what must hold when several processes share the storage.
 */
onEveryEngine((open: OpenStore) => {
  const at = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);

  it('upserts and finds a payload under its model and id', async () => {
    const store = await open();
    const payload = { accountId: 'alice', nested: { list: [1, 'two'], flag: true } };

    await store.upsert('Session', 's1', payload, 60);

    expect(await store.find('Session', 's1')).toEqual(payload);
    expect(await store.find('Grant', 's1')).toBeUndefined();
    expect(await store.find('Session', 's2')).toBeUndefined();
  });

  it('replaces the payload and its indexes on a second upsert', async () => {
    const store = await open();
    await store.upsert('AccessToken', 't1', { grantId: 'g-old', v: 1 }, 60);

    await store.upsert('AccessToken', 't1', { grantId: 'g-new', v: 2 }, 60);
    await store.revokeByGrantId('AccessToken', 'g-old');

    expect(await store.find('AccessToken', 't1')).toEqual({ grantId: 'g-new', v: 2 });
  });

  it('hides expired rows from every lookup, and deleteExpired removes only those', async () => {
    const store = await open();
    const now = Date.now();
    await store.upsert('DeviceCode', 'short', { uid: 'u-short', userCode: 'SHORT-CODE' }, 60);
    await store.upsert('DeviceCode', 'long', { uid: 'u-long' }, 3600);
    await store.upsert('Client', 'forever', { client_id: 'forever' });

    at(now + 61_000);
    expect(await store.find('DeviceCode', 'short')).toBeUndefined();
    expect(await store.findByUid('DeviceCode', 'u-short')).toBeUndefined();
    expect(await store.findByUserCode('DeviceCode', 'SHORT-CODE')).toBeUndefined();
    expect(await store.find('DeviceCode', 'long')).toEqual({ uid: 'u-long' });
    expect(await store.deleteExpired()).toBe(1);

    // Gone, not merely hidden: it stays away even back at a time it was valid.
    at(now);
    expect(await store.find('DeviceCode', 'short')).toBeUndefined();
    expect(await store.find('DeviceCode', 'long')).toEqual({ uid: 'u-long' });
    expect(await store.find('Client', 'forever')).toEqual({ client_id: 'forever' });
  });

  it('keeps a row without expiry forever', async () => {
    const store = await open();
    await store.upsert('Client', 'c1', { client_id: 'c1' });

    at(Date.now() + 10 * 365 * 24 * 3600 * 1000);
    expect(await store.find('Client', 'c1')).toEqual({ client_id: 'c1' });
    expect(await store.deleteExpired()).toBe(0);
  });

  it('finds by uid within the model', async () => {
    const store = await open();
    await store.upsert('Session', 's1', { uid: 'uid-1', accountId: 'alice' }, 60);

    expect(await store.findByUid('Session', 'uid-1')).toEqual({ uid: 'uid-1', accountId: 'alice' });
    expect(await store.findByUid('Interaction', 'uid-1')).toBeUndefined();
    expect(await store.findByUid('Session', 'uid-2')).toBeUndefined();
  });

  it('finds by user code within the model', async () => {
    const store = await open();
    await store.upsert('DeviceCode', 'd1', { userCode: 'ABCD-EFGH', clientId: 'tv' }, 60);

    expect(await store.findByUserCode('DeviceCode', 'ABCD-EFGH')).toEqual({
      userCode: 'ABCD-EFGH',
      clientId: 'tv',
    });
    expect(await store.findByUserCode('Session', 'ABCD-EFGH')).toBeUndefined();
    expect(await store.findByUserCode('DeviceCode', 'ZZZZ-ZZZZ')).toBeUndefined();
  });

  it('destroy removes one row only', async () => {
    const store = await open();
    await store.upsert('Session', 'x', { a: 1 }, 60);
    await store.upsert('Grant', 'x', { b: 2 }, 60);

    await store.destroy('Session', 'x');

    expect(await store.find('Session', 'x')).toBeUndefined();
    expect(await store.find('Grant', 'x')).toEqual({ b: 2 });
  });

  const page = (limit: number, before?: { iat: number; grantId: string }) => ({
    exceptClientId: 'account',
    limit,
    before,
  });

  it("lists an account's live grants, newest first, with when their client last got tokens", async () => {
    const store = await open();
    const grant = (accountId: string, iat: number) => ({ accountId, clientId: 'c', iat });
    await store.upsert('Grant', 'g-old', grant('alice', 1_000), 60);
    await store.upsert('Grant', 'g-new', grant('alice', 2_000), 60);
    await store.upsert('Grant', 'g-bob', grant('bob', 3_000), 60);
    await store.upsert('Grant', 'g-gone', grant('alice', 4_000), -1);
    await store.upsert('AuthorizationCode', 'code', { grantId: 'g-old', iat: 1_100 }, 60);
    await store.upsert('RefreshToken', 'rt1', { grantId: 'g-old', iat: 1_200 }, 60);
    await store.upsert('RefreshToken', 'rt2', { grantId: 'g-old', iat: 1_300 }, 60);
    // An access token record is not a sign of use here (JWTs are never stored).
    await store.upsert('AccessToken', 'at', { grantId: 'g-old', iat: 9_000 }, 60);
    await store.upsert('RefreshToken', 'rt-other', { grantId: 'g-bob', iat: 5_000 }, 60);
    await store.consume('RefreshToken', 'rt2');

    const grants = await store.grantsOfAccount('alice', page(10));

    expect(grants.map((g) => g.grantId)).toEqual(['g-new', 'g-old']);
    expect(grants[0]).toEqual({
      grantId: 'g-new',
      payload: grant('alice', 2_000),
      lastUsedAt: undefined,
    });
    // rt2 was consumed just now, which is later than any iat above.
    expect(grants[1]!.lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(await store.grantsOfAccount('alice', page(1))).toHaveLength(1);
    expect(await store.grantsOfAccount('carol', page(10))).toEqual([]);
  });

  it('dates last use by the newest code or refresh token issued when none was redeemed', async () => {
    const store = await open();
    await store.upsert('Grant', 'g', { accountId: 'alice', clientId: 'c', iat: 1_000 }, 60);
    await store.upsert('AuthorizationCode', 'code', { grantId: 'g', iat: 1_100 }, 60);
    await store.upsert('RefreshToken', 'rt', { grantId: 'g', iat: 1_300 }, 60);

    const [only] = await store.grantsOfAccount('alice', page(10));

    expect(only?.lastUsedAt).toBe(1_300_000);
  });

  it('dates last use by a redeemed code when no refresh token followed it', async () => {
    const store = await open();
    await store.upsert('Grant', 'g', { accountId: 'alice', clientId: 'c', iat: 1_000 }, 60);
    await store.upsert('AuthorizationCode', 'old', { grantId: 'g', iat: 1_050 }, 60);
    await store.upsert('AuthorizationCode', 'code', { grantId: 'g', iat: 1_100 }, 60);
    await store.upsert('RefreshToken', 'rt', { grantId: 'g', iat: 1_000 }, 60);
    at(1_234_567);
    await store.consume('AuthorizationCode', 'code');

    const [only] = await store.grantsOfAccount('alice', page(10));

    expect(only?.lastUsedAt).toBe(1_234_567);
  });

  it("pages through an account's grants, ties on iat broken by id, each grant once", async () => {
    const store = await open();
    const ids = Array.from({ length: 7 }, (_, i) => `g-${i}`);
    // Three share an iat, as grants saved in the same second do.
    const iats = [500, 700, 700, 700, 900, 300, 100];
    for (const [i, id] of ids.entries()) {
      await store.upsert('Grant', id, { accountId: 'alice', clientId: 'c', iat: iats[i] }, 60);
    }

    const seen: string[] = [];
    let before: { iat: number; grantId: string } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const grants = await store.grantsOfAccount('alice', page(3, before));
      seen.push(...grants.map((g) => g.grantId));
      if (grants.length < 3) break;
      const last = grants.at(-1)!;
      before = { iat: last.payload.iat as number, grantId: last.grantId };
    }

    expect(seen).toEqual(['g-4', 'g-3', 'g-2', 'g-1', 'g-0', 'g-5', 'g-6']);
  });

  it("leaves the given client's grants out of the page and the count", async () => {
    const store = await open();
    const grant = (clientId: string, iat: number) => ({ accountId: 'alice', clientId, iat });
    await store.upsert('Grant', 'g-app', grant('c', 1_000), 60);
    for (let i = 0; i < 3; i++)
      await store.upsert('Grant', `g-acct-${i}`, grant('account', 2_000 + i), 60);

    const grants = await store.grantsOfAccount('alice', page(2));

    expect(grants.map((g) => g.grantId)).toEqual(['g-app']);
    expect(await store.countGrantsOfAccount('alice', 'account', 100)).toBe(1);
  });

  it("counts an account's live grants, and stops counting at the bound", async () => {
    const store = await open();
    for (let i = 0; i < 12; i++) {
      await store.upsert('Grant', `g-${i}`, { accountId: 'alice', clientId: 'c', iat: i }, 60);
    }
    await store.upsert('Grant', 'g-gone', { accountId: 'alice', clientId: 'c', iat: 99 }, -1);
    await store.upsert('Grant', 'g-bob', { accountId: 'bob', clientId: 'c', iat: 1 }, 60);

    expect(await store.countGrantsOfAccount('alice', 'account', 100)).toBe(12);
    expect(await store.countGrantsOfAccount('alice', 'account', 5)).toBe(5);
    expect(await store.countGrantsOfAccount('carol', 'account', 100)).toBe(0);
  });

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

  it('reads a refresh token with its grant, session and account as the single lookups do', async () => {
    const store = await open();
    const user = {
      username: 'carol',
      sub: 'c-1',
      passwordHash: 'scrypt$x',
      claims: { sub: 'c-1', name: 'Carol' },
      origin: 'admin' as const,
    };
    await store.accounts.addUser(user);
    await store.accounts.setUserDisabled('carol', 1_700_000_000_000);
    await store.upsert('Grant', 'g1', { accountId: 'c-1', clientId: 'app' }, 3600);
    await store.upsert('Session', 's1', { uid: 'u1', accountId: 'c-1' }, 3600);
    await store.upsert(
      'RefreshToken',
      'rt',
      { grantId: 'g1', sessionUid: 'u1', accountId: 'c-1' },
      3600,
    );
    await store.upsert('RefreshToken', 'gone', { grantId: 'g1', accountId: 'nobody' }, 3600);
    await store.consume('RefreshToken', 'rt');

    const read = await store.refreshContext('rt');

    expect(read.token).toEqual(await store.find('RefreshToken', 'rt'));
    expect(read.grant).toEqual({ id: 'g1', payload: await store.find('Grant', 'g1') });
    expect(read.session).toEqual({ uid: 'u1', payload: await store.findByUid('Session', 'u1') });
    const stored = await store.accounts.findUserBySubject('c-1');
    expect(stored?.disabledAt).toBe(1_700_000_000_000);
    expect(read.account).toEqual({ sub: 'c-1', user: stored });
    expect((await store.refreshContext('gone')).account).toEqual({
      sub: 'nobody',
      user: undefined,
    });
    expect(await store.refreshContext('missing')).toMatchObject({ token: undefined });
  });

  describe('rotate', () => {
    it('lets exactly one of many parallel callers on two connections rotate a token', async () => {
      const [a, b] = [await open(), await open()];
      const start = Date.now();
      await a.upsert('RefreshToken', 'rt', { grantId: 'g1' }, 3600);

      const successors = Array.from({ length: 40 }, (_, i) => `rt-next-${i}`);
      const won = await Promise.all(
        successors.map((next, i) =>
          (i % 2 ? a : b).rotate('RefreshToken', 'rt', next, { grantId: 'g1', n: i }, 3600),
        ),
      );

      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = successors[won.indexOf(true)]!;
      const used = await b.consumption('RefreshToken', 'rt');
      expect(used?.successorId).toBe(winner);
      expect(used!.consumedAt).toBeGreaterThanOrEqual(start);
      expect((await a.find('RefreshToken', 'rt'))!.consumed).toEqual(expect.any(Number));
      expect(await b.find('RefreshToken', winner)).toEqual({
        grantId: 'g1',
        n: won.indexOf(true),
      });
      const losers = successors.filter((next) => next !== winner);
      const stored = await Promise.all(losers.map((next) => a.find('RefreshToken', next)));
      expect(stored.filter((found) => found !== undefined)).toEqual([]);
    });

    it('refuses a token that is used, has a successor, expired or is missing, changing nothing', async () => {
      const store = await open();
      const start = Date.now();
      await store.upsert('RefreshToken', 'used', { grantId: 'g1' }, 3600);
      await store.upsert('RefreshToken', 'replaced', { grantId: 'g1' }, 3600);
      await store.upsert('RefreshToken', 'short', { grantId: 'g1' }, 60);
      await store.consume('RefreshToken', 'used');
      await store.recordSuccessor('RefreshToken', 'replaced', 'elsewhere');

      const rotate = (id: string, next: string) =>
        store.rotate('RefreshToken', id, next, { grantId: 'g1' }, 3600);
      expect(await rotate('used', 'n1')).toBe(false);
      expect(await rotate('replaced', 'n2')).toBe(false);
      expect(await rotate('missing', 'n3')).toBe(false);
      expect(await store.rotate('AccessToken', 'used', 'n4', {}, 3600)).toBe(false);
      at(start + 61_000);
      expect(await rotate('short', 'n5')).toBe(false);

      for (const next of ['n1', 'n2', 'n3', 'n4', 'n5']) {
        expect(await store.find('RefreshToken', next)).toBeUndefined();
      }
      expect(await store.consumption('RefreshToken', 'used')).toMatchObject({
        successorId: undefined,
      });
      expect(await store.consumption('RefreshToken', 'replaced')).toBeUndefined();
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
});
