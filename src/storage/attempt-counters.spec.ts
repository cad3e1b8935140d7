import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';

/** The AttemptCounters contract (attempt-counters.ts): one count per attempt, on every connection. */
onEveryEngine((open: OpenStore) => {
  const at = (epochMs: number) => jest.spyOn(Date, 'now').mockReturnValue(epochMs);

  it('counts parallel failures from two connections exactly once each', async () => {
    const [a, b] = [await open(), await open()];

    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).countAttempt('k', 600)),
    );

    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('anchors the window at the first failure and starts a new one after it', async () => {
    const store = await open();
    const start = 1_800_000_000_000;
    at(start);
    await store.countAttempt('k', 600);
    at(start + 300_000);
    expect(await store.countAttempt('k', 600)).toEqual({ count: 2, firstAt: start });
    at(start + 600_000);
    expect(await store.countAttempt('k', 600)).toEqual({
      count: 1,
      firstAt: start + 600_000,
    });
  });

  it('takes back one failure, never below zero', async () => {
    const store = await open();
    await store.countAttempt('k', 600);
    await store.uncountAttempt('k');
    await store.uncountAttempt('k');
    await store.uncountAttempt('missing');

    expect((await store.countAttempt('k', 600)).count).toBe(1);
  });
});
