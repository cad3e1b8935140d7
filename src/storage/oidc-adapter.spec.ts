import type { Adapter } from 'oidc-provider';
import { adapterFor } from './oidc-adapter';
import { SqliteAuthStore } from './sqlite.store';

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

  it('revokes a grant across every model, whichever adapter is asked', async () => {
    await new Adapter('AccessToken').upsert('a', { grantId: 'g1' }, 60);
    await new Adapter('RefreshToken').upsert('r', { grantId: 'g1' }, 60);
    await new Adapter('RefreshToken').upsert('keep', { grantId: 'g2' }, 60);

    await new Adapter('AuthorizationCode').revokeByGrantId('g1');

    expect(await store.find('AccessToken', 'a')).toBeUndefined();
    expect(await store.find('RefreshToken', 'r')).toBeUndefined();
    expect(await store.find('RefreshToken', 'keep')).toEqual({ grantId: 'g2' });
  });

  it('reports a destroyed Grant (oidc-provider destroys grants only to revoke them), nothing else', async () => {
    const revoked: string[] = [];
    const Reporting = adapterFor(store, {
      refreshTokenReuseGraceSeconds: 0,
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

  describe('refresh-token reuse grace window', () => {
    const graced = () => adapterFor(store, { refreshTokenReuseGraceSeconds: 30 });

    it('shows a refresh token used within the window as unused', async () => {
      const start = Date.now();
      const tokens = new (graced())('RefreshToken');
      await tokens.upsert('rt', { grantId: 'g' }, 3600);
      await tokens.consume('rt');

      jest.spyOn(Date, 'now').mockReturnValue(start + 20_000);
      expect(await tokens.find('rt')).toEqual({ grantId: 'g' });
    });

    it('shows it consumed once the window has passed, so reuse revokes the grant', async () => {
      const start = Date.now();
      const tokens = new (graced())('RefreshToken');
      await tokens.upsert('rt', { grantId: 'g' }, 3600);
      await tokens.consume('rt');

      jest.spyOn(Date, 'now').mockReturnValue(start + 31_000);
      expect((await tokens.find('rt'))!.consumed).toEqual(expect.any(Number));
    });

    it('counts the window from the first use, so reuses cannot stretch it', async () => {
      const start = Date.now();
      const tokens = new (graced())('RefreshToken');
      await tokens.upsert('rt', { grantId: 'g' }, 3600);
      await tokens.consume('rt');
      jest.spyOn(Date, 'now').mockReturnValue(start + 20_000);
      await tokens.consume('rt');

      jest.spyOn(Date, 'now').mockReturnValue(start + 40_000);
      expect((await tokens.find('rt'))!.consumed).toEqual(expect.any(Number));
    });

    it('never applies to other models: an authorization code is single-use', async () => {
      const codes = new (graced())('AuthorizationCode');
      await codes.upsert('code', { grantId: 'g' }, 60);
      await codes.consume('code');

      expect((await codes.find('code'))!.consumed).toEqual(expect.any(Number));
    });

    it('is off by default', async () => {
      const tokens = new Adapter('RefreshToken');
      await tokens.upsert('rt', { grantId: 'g' }, 3600);
      await tokens.consume('rt');

      expect((await tokens.find('rt'))!.consumed).toEqual(expect.any(Number));
    });
  });
});
