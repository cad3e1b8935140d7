import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS, RevocationList } from './revocation-list';
import { SqliteAuthStore } from './sqlite/sqlite.store';

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

  it('remembers a revocation past exp plus the verifiers clock tolerance, then forgets it', async () => {
    const start = Math.floor(Date.now() / 1000) * 1000;
    await list.revoke('jti-1', start / 1000 + 300);

    // A resource server still accepts the token this long past exp: it must still be revoked.
    jest
      .spyOn(Date, 'now')
      .mockReturnValue(start + (300 + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS) * 1000);
    expect(await list.isRevoked('jti-1')).toBe(true);
    jest.spyOn(Date, 'now').mockReturnValue(start + 3_600_000);
    expect(await list.isRevoked('jti-1')).toBe(false);
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

  it('keeps the later expiry when a grant is revoked twice', async () => {
    const start = Math.floor(Date.now() / 1000) * 1000;
    await list.revokeGrant('grant-1', start / 1000 + 600);
    await list.revokeGrant('grant-1', start / 1000 + 10);

    jest.spyOn(Date, 'now').mockReturnValue(start + 300_000);
    expect(await list.isRevoked('jti-a', 'grant-1')).toBe(true);
  });
});
