import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/** The trust configuration contract, on both engines. */
onEveryEngine((open: OpenStore) => {
  it('adds an entry once, finds and lists it by kind, and removes it', async () => {
    const store = await open();
    const other = await open();
    const doc = { issuer: 'https://ci.example', rules: [{ subject: 'repo:x/*' }] };

    expect(await store.trust.add('workload_issuer', 'https://ci.example', doc)).toBe(true);
    expect(await other.trust.add('workload_issuer', 'https://ci.example', { no: 1 })).toBe(false);

    expect(await other.trust.find('workload_issuer', 'https://ci.example')).toMatchObject({
      id: 'https://ci.example',
      document: doc,
    });
    expect(await other.trust.find('machine_client', 'https://ci.example')).toBeUndefined();
    expect((await other.trust.list('workload_issuer')).map((e) => e.id)).toEqual([
      'https://ci.example',
    ]);
    expect(await other.trust.list('machine_client')).toEqual([]);

    expect(await other.trust.remove('workload_issuer', 'https://ci.example')).toBe(true);
    expect(await store.trust.remove('workload_issuer', 'https://ci.example')).toBe(false);
    expect(await store.trust.find('workload_issuer', 'https://ci.example')).toBeUndefined();
  });

  it('put replaces an entry and says whether it was new', async () => {
    const store = await open();
    expect(await store.trust.put('machine_client', 'bot', { v: 1 })).toBe(true);
    expect(await store.trust.put('machine_client', 'bot', { v: 2 })).toBe(false);
    expect((await store.trust.find('machine_client', 'bot'))?.document).toEqual({ v: 2 });
  });
});
