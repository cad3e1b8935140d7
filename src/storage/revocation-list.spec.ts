import { RevocationList } from './revocation-list';
import { SqliteAuthStore } from './sqlite.store';

describe('RevocationList', () => {
  let store: SqliteAuthStore;
  let list: RevocationList;
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  beforeEach(() => {
    store = new SqliteAuthStore(':memory:');
    list = new RevocationList(store);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  it('reports a revoked jti, and only that one', async () => {
    await list.revoke('jti-1', nowSeconds() + 300);

    expect(await list.isRevoked('jti-1')).toBe(true);
    expect(await list.isRevoked('jti-2')).toBe(false);
  });

  it('remembers a revocation until the token would have expired, then forgets it', async () => {
    const start = Date.now();
    await list.revoke('jti-1', Math.floor(start / 1000) + 300);

    jest.spyOn(Date, 'now').mockReturnValue(start + 295_000);
    expect(await list.isRevoked('jti-1')).toBe(true);
    jest.spyOn(Date, 'now').mockReturnValue(start + 302_000);
    expect(await list.isRevoked('jti-1')).toBe(false);
  });

  it('records a token that has already expired, rather than storing it forever', async () => {
    const start = Date.now();
    await list.revoke('jti-old', Math.floor(start / 1000) - 60);

    expect(await list.isRevoked('jti-old')).toBe(true);
    jest.spyOn(Date, 'now').mockReturnValue(start + 2_000);
    expect(await list.isRevoked('jti-old')).toBe(false);
  });

  it('is visible to another list over the same store, as resource servers read what the AuthServer writes', async () => {
    await list.revoke('jti-1', nowSeconds() + 300);

    expect(await new RevocationList(store).isRevoked('jti-1')).toBe(true);
  });

  it('revokes every token of a revoked grant, and only when the token names that grant', async () => {
    await list.revokeGrant('grant-1', nowSeconds() + 300);

    expect(await list.isRevoked('jti-a', 'grant-1')).toBe(true);
    expect(await list.isRevoked('jti-b', 'grant-2')).toBe(false);
    expect(await list.isRevoked('jti-a')).toBe(false);
  });
});
