/**
 * The state of `WORKERS=n`, as a pure function of what the workers did: which slot is serving,
 * which is starting, which died and when it is to be replaced. The primary (cluster.ts) feeds
 * it events and carries out its decisions; every worker shows `missing()` on /ready.
 */

/** A worker that fails this many starts in a row is not replaced: the primary exits non-zero. */
export const MAX_FAILED_STARTS = 5;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

type SlotState =
  | { readonly kind: 'starting'; readonly pid: number }
  | { readonly kind: 'serving'; readonly pid: number }
  | { readonly kind: 'down'; readonly exit: string; readonly restartInMs: number };

interface Slot {
  state: SlotState;
  /** Starts in a row that ended before the worker served: a crash loop when it reaches the cap. */
  failedStarts: number;
}

export type ExitDecision =
  | { readonly kind: 'restart'; readonly slot: number; readonly afterMs: number }
  | { readonly kind: 'give-up'; readonly slot: number; readonly failedStarts: number };

export class WorkerSlots {
  private readonly slots: Slot[];

  constructor(readonly size: number) {
    this.slots = Array.from({ length: size }, () => ({
      state: { kind: 'down', exit: 'not started', restartInMs: 0 },
      failedStarts: 0,
    }));
  }

  started(slot: number, pid: number): void {
    this.at(slot).state = { kind: 'starting', pid };
  }

  /** The worker of `pid` has every role listening. False when that pid holds no slot. */
  serving(pid: number): boolean {
    const slot = this.slots.find((s) => s.state.kind === 'starting' && s.state.pid === pid);
    if (!slot) return false;
    slot.state = { kind: 'serving', pid };
    slot.failedStarts = 0;
    return true;
  }

  /** The worker of `pid` is gone: replace it at once, after a back-off, or not at all. */
  exited(pid: number, exit: string): ExitDecision | undefined {
    const index = this.slots.findIndex((s) => s.state.kind !== 'down' && s.state.pid === pid);
    if (index < 0) return undefined;
    const slot = this.slots[index]!;
    if (slot.state.kind === 'starting') slot.failedStarts += 1;
    if (slot.failedStarts >= MAX_FAILED_STARTS) {
      slot.state = { kind: 'down', exit, restartInMs: Number.POSITIVE_INFINITY };
      return { kind: 'give-up', slot: index, failedStarts: slot.failedStarts };
    }
    const afterMs =
      slot.failedStarts === 0
        ? 0
        : Math.min(FIRST_BACKOFF_MS * 2 ** (slot.failedStarts - 1), MAX_BACKOFF_MS);
    slot.state = { kind: 'down', exit, restartInMs: afterMs };
    return { kind: 'restart', slot: index, afterMs };
  }

  /** Every slot not serving, in words fit for a public /ready answer (no paths, no errors). */
  missing(): string[] {
    return this.slots.flatMap((slot, index) => {
      const name = `worker ${index + 1} of ${this.size}`;
      const { state } = slot;
      switch (state.kind) {
        case 'serving':
          return [];
        case 'starting':
          return [
            slot.failedStarts
              ? `${name} is restarting (failed starts: ${slot.failedStarts})`
              : `${name} is starting`,
          ];
        case 'down':
          return [`${name} is down (${state.exit}); ${restartText(state.restartInMs)}`];
      }
    });
  }

  private at(slot: number): Slot {
    const found = this.slots[slot];
    if (!found) throw new RangeError(`no worker slot ${slot}`);
    return found;
  }
}

function restartText(ms: number): string {
  if (ms === Number.POSITIVE_INFINITY) return 'not restarted';
  return ms === 0 ? 'restarting now' : `restarting in ${Math.ceil(ms / 1000)} s`;
}
