import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

const carolAtCorp = { issuer: 'https://idp.example.com', subject: 'u-42' };

/** The FederationStore contract (upstreams, identity links), on every engine. */
onEveryEngine((open: OpenStore) => {
  it('stores, replaces, lists and removes upstreams; another connection sees each change', async () => {
    const a = (await open()).federation;
    const b = (await open()).federation;

    await a.putUpstream('corp', '{"v":1}');
    await a.putUpstream('acme', '{"v":1}');
    await a.putUpstream('corp', '{"v":2}');

    const listed = await b.listUpstreams();
    expect(listed.map((u) => [u.slug, u.document])).toEqual([
      ['acme', '{"v":1}'],
      ['corp', '{"v":2}'],
    ]);
    expect(await b.removeUpstream('corp')).toBe(true);
    expect(await a.removeUpstream('corp')).toBe(false);
    expect((await a.listUpstreams()).map((u) => u.slug)).toEqual(['acme']);
  });

  it('links an upstream identity to one local user only', async () => {
    const { federation } = await open();

    expect(
      await federation.addLink({ ...carolAtCorp, userSub: 'c-1', idpSlug: 'corp', email: 'c@x' }),
    ).toBe(true);
    // Another sign-in racing the first must not re-point the identity at someone else.
    expect(
      await federation.addLink({ ...carolAtCorp, userSub: 'm-1', idpSlug: 'corp', email: 'm@x' }),
    ).toBe(false);

    const link = await federation.findLink(carolAtCorp);
    expect(link).toMatchObject({ userSub: 'c-1', idpSlug: 'corp', email: 'c@x' });
    expect(await federation.findLink({ ...carolAtCorp, issuer: 'https://other' })).toBeUndefined();

    await federation.touchLink(carolAtCorp, undefined);
    const [touched] = await federation.linksOfUser('c-1');
    expect(touched).toMatchObject({ subject: 'u-42', email: undefined });
    expect(touched!.lastUsedAt).toBeGreaterThanOrEqual(touched!.linkedAt);
    expect(await federation.linksOfUser('m-1')).toEqual([]);
  });
});
