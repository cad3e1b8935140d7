import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** What the primary sends a worker to make it drain and stop, as SIGTERM would. */
export const STOP_MESSAGE = 'api-mcp-auth:stop';

/** A worker that dies this soon after its start is not restarted: it would only die again. */
const CRASH_LOOP_MS = 5_000;

/**
 * The primary of `WORKERS=n`: forks n workers that each run every HTTP role this process was
 * given (they share the ports through node:cluster, and their state through the store and its
 * revocation feed), restarts one that dies, and forwards SIGTERM/SIGINT so each drains and stops
 * as a single process would. Exits once every worker has: 0 if all stopped cleanly.
 */
export function runPrimary(workers: number, logger: Logger): void {
  let stopping = false;
  let failed = false;
  const startedAt = new Map<Worker, number>();

  const fork = () => startedAt.set(cluster.fork(), Date.now());
  for (let i = 0; i < workers; i += 1) fork();

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (code !== 0) failed = true;
    if (!stopping) {
      logger.error({ pid: worker.process.pid, code, signal }, 'worker died');
      if (lived > CRASH_LOOP_MS) fork();
    }
    if (startedAt.size === 0) process.exit(failed || !stopping ? 1 : 0);
  });

  const forward = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the workers see it as theirs and exit without waiting.
      for (const worker of startedAt.keys()) worker.process.kill(signal);
      return;
    }
    stopping = true;
    logger.info({ signal, workers: startedAt.size }, 'stopping workers');
    for (const worker of startedAt.keys()) if (worker.isConnected()) worker.send(STOP_MESSAGE);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
}
