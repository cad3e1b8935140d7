import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import {
  isStartFailed,
  type MissingWorkersMessage,
  SERVING_MESSAGE,
  STOP_MESSAGE,
} from './cluster-messages';
import { WorkerSlots } from './worker-slots';

/**
 * The primary of `WORKERS=n`: forks n workers that each run every HTTP role this process was
 * given (they share the ports through node:cluster, and their state through the store and its
 * revocation feed). A worker that dies is logged at error with the reason it gave and replaced,
 * after a growing back-off when it died before serving; while any worker is missing, /ready on
 * every port of the others answers 503 naming it. A worker that fails MAX_FAILED_STARTS starts in
 * a row stops the whole process with exit code 1, so a supervisor sees the failure instead of a
 * process quietly serving with fewer workers. SIGTERM/SIGINT are forwarded so each worker drains
 * and stops as a single process would; the primary exits once every worker has, 0 if all
 * stopped cleanly.
 */
export function runPrimary(workers: number, logger: Logger): void {
  const slots = new WorkerSlots(workers);
  const live = new Map<number, Worker>();
  const reasons = new Map<number, string>();
  const pending = new Set<NodeJS.Timeout>();
  let stopping = false;
  let failed = false;

  const broadcast = () => {
    const message: MissingWorkersMessage = {
      type: 'api-mcp-auth:missing-workers',
      missing: slots.missing(),
    };
    for (const worker of live.values()) if (worker.isConnected()) worker.send(message);
  };

  const fork = (slot: number) => {
    const worker = cluster.fork();
    const pid = worker.process.pid ?? -1;
    live.set(pid, worker);
    slots.started(slot, pid);
    worker.on('message', (message: unknown) => {
      if (message === SERVING_MESSAGE && slots.serving(pid)) {
        logger.info({ workerPid: pid, worker: slot + 1 }, 'worker serving');
        broadcast();
      } else if (isStartFailed(message)) {
        reasons.set(pid, message.reason);
      }
    });
  };

  const exitWhenEmpty = () => {
    if (live.size === 0) process.exit(failed ? 1 : 0);
  };

  const stopAll = () => {
    stopping = true;
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
    for (const worker of live.values()) if (worker.isConnected()) worker.send(STOP_MESSAGE);
    exitWhenEmpty();
  };

  cluster.on('exit', (worker, code, signal) => {
    const pid = worker.process.pid ?? -1;
    live.delete(pid);
    const reason = reasons.get(pid);
    reasons.delete(pid);
    if (stopping) {
      if (code !== 0) {
        failed = true;
        logger.warn({ workerPid: pid, code, signal, reason }, 'worker did not stop cleanly');
      }
      return exitWhenEmpty();
    }

    const decision = slots.exited(pid, signal ? `signal ${signal}` : `exit code ${code}`);
    if (!decision) return exitWhenEmpty();
    logger.error(
      { workerPid: pid, worker: decision.slot + 1, code, signal, reason },
      'worker died',
    );
    if (decision.kind === 'give-up') {
      logger.error(
        { worker: decision.slot + 1, failedStarts: decision.failedStarts },
        'worker failed to start again and again: stopping every worker, exiting with 1',
      );
      failed = true;
      return stopAll();
    }
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!stopping) fork(decision.slot);
      broadcast();
    }, decision.afterMs);
    pending.add(timer);
    broadcast();
  });

  const forward = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the workers see it as theirs and exit without waiting.
      for (const worker of live.values()) worker.process.kill(signal);
      return;
    }
    logger.info({ signal, workers: live.size }, 'stopping workers');
    stopAll();
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  for (let slot = 0; slot < workers; slot += 1) fork(slot);
}
