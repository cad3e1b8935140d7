import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/** The DpopProofIds contract (dpop-proof-ids.ts): a proof's `jti` is taken once, by one caller. */
onEveryEngine((open: OpenStore) => {
  it('lets exactly one of many parallel callers on two connections take a proof id', async () => {
    const [a, b] = [await open(), await open()];
    const expiresAt = Date.now() + 60_000;

    const taken = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).rememberProofId('jti-1', expiresAt)),
    );

    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('takes over an expired id, and refuses a live one', async () => {
    const store = await open();
    const now = Date.now();
    expect(await store.rememberProofId('jti-2', now - 1)).toBe(true);
    expect(await store.rememberProofId('jti-2', now + 60_000)).toBe(true);
    expect(await store.rememberProofId('jti-2', now + 60_000)).toBe(false);
  });
});
