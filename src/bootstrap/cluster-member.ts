import cluster from 'node:cluster';
import { NotReady, type ReadinessCheck } from '../core/readiness';
import { isMissingWorkers, SERVING_MESSAGE, startFailed, STOP_MESSAGE } from './cluster-messages';

/**
 * A worker's side of `WORKERS=n`: it hears from the primary which workers are missing, and
 * its /ready answers 503 naming them, so a load balancer and an operator see a process that
 * runs with fewer workers than configured.
 */
export class ClusterMember {
  // Until the primary has spoken, this worker cannot know that the others serve.
  private missing: readonly string[] = ['waiting for the primary to report the other workers'];
  // Before the roles listen there is nothing to drain: a stop ends the worker at once.
  private onStop: () => void = () => process.exit(0);

  private constructor() {
    process.on('message', (message: unknown) => {
      if (message === STOP_MESSAGE) this.onStop();
      else if (isMissingWorkers(message)) this.missing = message.missing;
    });
  }

  /** This process's membership, when it is a cluster worker. */
  static join(): ClusterMember | undefined {
    return cluster.isWorker ? new ClusterMember() : undefined;
  }

  readonly check: ReadinessCheck = () => {
    if (this.missing.length) throw new NotReady(this.missing.join('; '));
  };

  /** Every role listens: the primary is told, and from now on a stop drains via `onStop`. */
  serving(onStop: () => void): void {
    this.onStop = onStop;
    process.send?.(SERVING_MESSAGE);
  }

  /** Tells the primary why this worker could not start, then exits. */
  static failed(reason: string): void {
    if (!cluster.isWorker || !process.send) return process.exit(1);
    process.send(startFailed(reason), undefined, {}, () => process.exit(1));
  }
}
