import type { Adapter } from 'oidc-provider';
import { errors } from 'oidc-provider';
import {
  adapterFor,
  AlreadyConsumedError,
  runRefreshGrant,
  StoreTemporarilyUnavailable,
} from './oidc-adapter';
import { SqliteAuthStore } from './sqlite/sqlite.store';

describe('adapterFor', () => {
  let store: SqliteAuthStore;
  let Adapter: new (model: string) => Adapter;

  beforeEach(() => {
    store = new SqliteAuthStore(':memory:');
    Adapter = adapterFor(store);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  it('stores each model under its own name', async () => {
    const sessions = new Adapter('Session');
    const grants = new Adapter('Grant');

    await sessions.upsert('same-id', { accountId: 'alice' }, 60);
    await grants.upsert('same-id', { accountId: 'bob' }, 60);

    expect(await store.find('Session', 'same-id')).toEqual({ accountId: 'alice' });
    expect(await sessions.find('same-id')).toEqual({ accountId: 'alice' });
    expect(await grants.find('same-id')).toEqual({ accountId: 'bob' });
  });

  it('passes the expiry through to the store', async () => {
    const start = Date.now();
    await new Adapter('AuthorizationCode').upsert('code', { grantId: 'g' }, 60);

    jest.spyOn(Date, 'now').mockReturnValue(start + 61_000);
    expect(await new Adapter('AuthorizationCode').find('code')).toBeUndefined();
  });

  it('finds by uid and by user code within its model', async () => {
    await store.upsert('Session', 's', { uid: 'u1' }, 60);
    await store.upsert('DeviceCode', 'd', { userCode: 'UC-1' }, 60);

    expect(await new Adapter('Session').findByUid('u1')).toEqual({ uid: 'u1' });
    expect(await new Adapter('Interaction').findByUid('u1')).toBeUndefined();
    expect(await new Adapter('DeviceCode').findByUserCode('UC-1')).toEqual({ userCode: 'UC-1' });
    expect(await new Adapter('Session').findByUserCode('UC-1')).toBeUndefined();
  });

  it('consumes and destroys rows of its own model', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('x', { grantId: 'g' }, 60);
    await store.upsert('Session', 'x', { accountId: 'alice' }, 60);

    await codes.consume('x');
    expect((await codes.find('x'))!.consumed).toEqual(expect.any(Number));
    expect(await store.find('Session', 'x')).toEqual({ accountId: 'alice' });

    await codes.destroy('x');
    expect(await codes.find('x')).toBeUndefined();
    expect(await store.find('Session', 'x')).toEqual({ accountId: 'alice' });
  });

  it('revokes a grant only in the model it is asked for (oidc-provider asks each model)', async () => {
    await new Adapter('AccessToken').upsert('a', { grantId: 'g1' }, 60);
    await new Adapter('RefreshToken').upsert('r', { grantId: 'g1' }, 60);
    await new Adapter('RefreshToken').upsert('keep', { grantId: 'g2' }, 60);

    await new Adapter('RefreshToken').revokeByGrantId('g1');

    expect(await store.find('RefreshToken', 'r')).toBeUndefined();
    expect(await store.find('AccessToken', 'a')).toEqual({ grantId: 'g1' });
    expect(await store.find('RefreshToken', 'keep')).toEqual({ grantId: 'g2' });
  });

  it('reports a destroyed Grant (oidc-provider destroys grants only to revoke them), nothing else', async () => {
    const revoked: string[] = [];
    const Reporting = adapterFor(store, {
      onGrantRevoked: (grantId) => {
        revoked.push(grantId);
        return Promise.resolve();
      },
    });
    await new Reporting('Session').destroy('session-1');
    await new Reporting('RefreshToken').destroy('rt-1');
    await new Reporting('Grant').destroy('grant-1');

    expect(revoked).toEqual(['grant-1']);
  });

  it('shows a refresh token used inside the reuse window as unused, and as used after it', async () => {
    const start = 1_800_000_000_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
    const tokens = new (adapterFor(store, { refreshTokenReuseGraceSeconds: 30 }))('RefreshToken');
    const codes = new (adapterFor(store, { refreshTokenReuseGraceSeconds: 30 }))(
      'AuthorizationCode',
    );
    await tokens.upsert('rt', { grantId: 'g' }, 3600);
    await codes.upsert('code', { grantId: 'g' }, 3600);
    await tokens.consume('rt');
    await codes.consume('code');

    // A racing request must reach consume (and lose there), not be taken for a replay.
    clock.mockReturnValue(start + 29_000);
    expect(await tokens.find('rt')).toEqual({ grantId: 'g' });
    expect(await codes.find('code')).toEqual({ grantId: 'g', consumed: start / 1000 });
    await expect(tokens.consume('rt')).rejects.toBeInstanceOf(AlreadyConsumedError);

    clock.mockReturnValue(start + 30_000);
    expect(await tokens.find('rt')).toEqual({ grantId: 'g', consumed: start / 1000 });
  });

  describe('inside a refresh_token grant', () => {
    it('writes the consumption with the successor; a loser stores nothing and fails', async () => {
      const tokens = new Adapter('RefreshToken');
      await tokens.upsert('rt', { grantId: 'g' }, 3600);
      const refresh = (next: string) =>
        runRefreshGrant(async () => {
          await tokens.consume('rt');
          await tokens.upsert(next, { grantId: 'g' }, 3600);
        });

      const outcomes = await Promise.allSettled(['a', 'b', 'c', 'd'].map((n) => refresh(n)));

      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      expect(winners).toEqual([{ status: 'fulfilled', value: true }]);
      const winner = ['a', 'b', 'c', 'd'][outcomes.findIndex((o) => o.status === 'fulfilled')]!;
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(AlreadyConsumedError);
      }
      expect(await store.consumption('RefreshToken', 'rt')).toMatchObject({ successorId: winner });
      for (const n of ['a', 'b', 'c', 'd'].filter((x) => x !== winner)) {
        expect(await store.find('RefreshToken', n)).toBeUndefined();
      }
    });

    it('leaves the token unused when no successor is saved', async () => {
      const tokens = new Adapter('RefreshToken');
      await tokens.upsert('rt', { grantId: 'g' }, 3600);

      expect(await runRefreshGrant(() => tokens.consume('rt'))).toBe(false);

      expect(await store.consumption('RefreshToken', 'rt')).toBeUndefined();
      expect(await store.consume('RefreshToken', 'rt')).toBe(true);
    });
  });

  describe('consume', () => {
    it('lets exactly one of many parallel callers consume, and the others fail with invalid_grant', async () => {
      const codes = new Adapter('AuthorizationCode');
      await codes.upsert('code', { grantId: 'g' }, 60);

      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () => new Adapter('AuthorizationCode').consume('code')),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const losers = outcomes.filter((o) => o.status === 'rejected');
      expect(losers).toHaveLength(9);
      for (const loser of losers) {
        expect(loser.reason).toBeInstanceOf(AlreadyConsumedError);
        expect((loser.reason as AlreadyConsumedError).error).toBe('invalid_grant');
      }
      expect((await codes.find('code'))!.consumed).toEqual(expect.any(Number));
    });

    it('refuses a second pushed-authorization-request use with invalid_request_uri', async () => {
      const requests = new Adapter('PushedAuthorizationRequest');
      await requests.upsert('par', {}, 60);
      await requests.consume('par');

      await expect(requests.consume('par')).rejects.toMatchObject({
        error: 'invalid_request_uri',
      });
    });

    it('refuses a missing or expired record', async () => {
      await expect(new Adapter('DeviceCode').consume('nothing')).rejects.toBeInstanceOf(
        AlreadyConsumedError,
      );
    });
  });

  it('turns a store out of reach into a shown 503 temporarily_unavailable, other errors kept', async () => {
    const locked = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    jest.spyOn(store, 'find').mockRejectedValueOnce(locked);
    const refused = new Adapter('Session').find('s');
    await expect(refused).rejects.toBeInstanceOf(StoreTemporarilyUnavailable);
    await expect(refused).rejects.toBeInstanceOf(errors.TemporarilyUnavailable);
    await expect(refused).rejects.toMatchObject({
      status: 503,
      expose: true,
      error: 'temporarily_unavailable',
    });

    const fault = new Error('no such table');
    jest.spyOn(store, 'upsert').mockRejectedValueOnce(fault);
    await expect(new Adapter('Session').upsert('s', {}, 60)).rejects.toBe(fault);
  });
});
