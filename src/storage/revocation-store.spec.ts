import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/** The RevocationStore contract (revocation-store.ts); the feed has revocation-feed.spec.ts. */
onEveryEngine((open: OpenStore) => {
  const at = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);

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
