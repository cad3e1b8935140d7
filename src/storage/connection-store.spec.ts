import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/** The ConnectionStore contract (connected accounts), on every engine. */
onEveryEngine((open: OpenStore) => {
  it('stores, replaces, reseals, lists and removes a user’s connections', async () => {
    const a = (await open()).connections;
    const b = (await open()).connections;

    await a.putConnection({ userSub: 'u1', provider: 'corp', sealed: 's1', scopes: 'read' });
    await a.putConnection({ userSub: 'u1', provider: 'acme', sealed: 's2', scopes: 'x' });
    await a.putConnection({ userSub: 'u2', provider: 'corp', sealed: 's3', scopes: 'read' });
    await a.putConnection({ userSub: 'u1', provider: 'corp', sealed: 's4', scopes: 'read write' });

    expect((await b.connectionsOfUser('u1')).map((c) => [c.provider, c.sealed, c.scopes])).toEqual([
      ['acme', 's2', 'x'],
      ['corp', 's4', 'read write'],
    ]);
    expect(await b.resealConnection('u1', 'corp', 's5')).toBe(true);
    expect((await a.findConnection('u1', 'corp'))?.sealed).toBe('s5');
    expect(await a.removeConnection('u1', 'corp')).toBe(true);
    expect(await b.removeConnection('u1', 'corp')).toBe(false);
    expect(await b.resealConnection('u1', 'corp', 's6')).toBe(false);
    expect(await a.findConnection('u1', 'corp')).toBeUndefined();
    expect((await a.findConnection('u2', 'corp'))?.sealed).toBe('s3');
  });
});
