import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/** The SecretStore contract (secret-store.ts): replicas writing at once agree on one value. */
onEveryEngine((open: OpenStore) => {
  it('putSecretIfAbsent keeps the first value written', async () => {
    const store = await open();

    expect(await store.getSecret('signing-keys')).toBeUndefined();
    expect(await store.putSecretIfAbsent('signing-keys', 'first')).toBe('first');
    expect(await store.putSecretIfAbsent('signing-keys', 'second')).toBe('first');
    expect(await store.getSecret('signing-keys')).toBe('first');
    expect(await store.putSecretIfAbsent('cookie-keys', 'other')).toBe('other');
  });

  it('converges concurrent putSecretIfAbsent calls from several connections on one value', async () => {
    const a = await open();
    const b = await open();
    const candidates = Array.from({ length: 8 }, (_, i) => `key-${i}`);

    const winners = await Promise.all(
      candidates.map((value, i) => (i % 2 ? a : b).putSecretIfAbsent('signing-keys', value)),
    );

    expect(new Set(winners).size).toBe(1);
    expect(candidates).toContain(winners[0]);
    expect(await a.getSecret('signing-keys')).toBe(winners[0]);
    expect(await b.getSecret('signing-keys')).toBe(winners[0]);
  });

  it('lets exactly one of many concurrent replaceSecret calls from several connections win', async () => {
    const a = await open();
    const b = await open();
    await a.putSecretIfAbsent('keyset', 'base');

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).replaceSecret('keyset', 'base', `n${i}`),
      ),
    );

    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await b.getSecret('keyset')).toBe(`n${outcomes.indexOf(true)}`);
  });
});
