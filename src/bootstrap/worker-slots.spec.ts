import { MAX_FAILED_STARTS, WorkerSlots } from './worker-slots';

describe('WorkerSlots', () => {
  it('names every worker that is not serving yet, and none once all serve', () => {
    const slots = new WorkerSlots(2);
    slots.started(0, 100);
    slots.started(1, 101);
    expect(slots.missing()).toEqual(['worker 1 of 2 is starting', 'worker 2 of 2 is starting']);
    expect(slots.serving(100)).toBe(true);
    expect(slots.missing()).toEqual(['worker 2 of 2 is starting']);
    expect(slots.serving(101)).toBe(true);
    expect(slots.missing()).toEqual([]);
  });

  it('replaces a worker that died while serving at once', () => {
    const slots = new WorkerSlots(2);
    slots.started(0, 100);
    slots.serving(100);
    expect(slots.exited(100, 'signal SIGKILL')).toEqual({ kind: 'restart', slot: 0, afterMs: 0 });
    expect(slots.missing()).toEqual([
      'worker 1 of 2 is down (signal SIGKILL); restarting now',
      'worker 2 of 2 is down (not started); restarting now',
    ]);
  });

  it('backs off a worker that dies before serving, and gives up after the cap', () => {
    const slots = new WorkerSlots(1);
    const delays: number[] = [];
    for (let pid = 1; pid < MAX_FAILED_STARTS; pid += 1) {
      slots.started(0, pid);
      const decision = slots.exited(pid, 'exit code 1');
      if (decision?.kind !== 'restart') throw new Error(`restart expected, got ${decision?.kind}`);
      delays.push(decision.afterMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(slots.missing()).toEqual(['worker 1 of 1 is down (exit code 1); restarting in 8 s']);
    slots.started(0, 99);
    expect(slots.missing()).toEqual(['worker 1 of 1 is restarting (failed starts: 4)']);
    expect(slots.exited(99, 'exit code 1')).toEqual({
      kind: 'give-up',
      slot: 0,
      failedStarts: MAX_FAILED_STARTS,
    });
    expect(slots.missing()).toEqual(['worker 1 of 1 is down (exit code 1); not restarted']);
  });

  it('forgives earlier failed starts once the worker serves', () => {
    const slots = new WorkerSlots(1);
    slots.started(0, 1);
    slots.exited(1, 'exit code 1');
    slots.started(0, 2);
    slots.serving(2);
    expect(slots.exited(2, 'exit code 1')).toEqual({ kind: 'restart', slot: 0, afterMs: 0 });
  });

  it('ignores news of a process that holds no slot', () => {
    const slots = new WorkerSlots(1);
    slots.started(0, 1);
    expect(slots.serving(7)).toBe(false);
    expect(slots.exited(7, 'exit code 0')).toBeUndefined();
    expect(slots.missing()).toEqual(['worker 1 of 1 is starting']);
  });
});
