// First, before any package: an unsupported Node is refused with what to do (node-preflight.cjs).
import './bootstrap/node-preflight.cjs';
import 'reflect-metadata';
import cluster from 'node:cluster';
import { ClusterMember } from './bootstrap/cluster-member';
import { runPrimary } from './bootstrap/cluster';
import { loadConfig } from './config/config';
import { loadEnvFile } from './config/env-file';
import { startSystem } from './bootstrap/system';
import { createLogger } from './core/logging';
import { StartupError } from './config/startup-error';

async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  const logger = createLogger(config.logging, config.shared.production);
  if (config.http.workers > 1 && cluster.isPrimary) return runPrimary(config.http.workers, logger);
  // A cluster worker hears from the primary which workers are missing, for /ready.
  const member = ClusterMember.join();
  const processChecks = new Map(member ? [['workers', member.check]] : []);
  const system = await startSystem(config, logger, { processChecks });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal means the operator will not wait for the requests in flight.
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, ...config.http.shutdown }, 'draining, then shutting down');
    system.shutdown(config.http.shutdown).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The primary forwards its signal as a message, which the terminal's own SIGINT to the whole
  // process group may have beaten; that is not a second signal.
  member?.serving(() => {
    if (!stopping) stop('SIGTERM');
  });
}

main().catch((error: unknown) => {
  // Before the logger exists the only way to say why is stderr.
  // A StartupError's message says all an operator needs; a stack trace would only bury it.
  const text = error instanceof StartupError ? error.message : describe(error);
  process.stderr.write(`${text}\n`);
  ClusterMember.failed(text);
});

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
