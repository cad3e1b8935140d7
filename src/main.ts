import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config/config';
import { createLogger, startSystem } from './bootstrap/system';
import { UsersFileError } from './auth/users/users-file';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger(config);
  const system = await startSystem(config, logger);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal means the operator will not wait for the requests in flight.
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, ...config.shutdown }, 'draining, then shutting down');
    system.shutdown(config.shutdown).then(
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
}

main().catch((error: unknown) => {
  // Before the logger exists the only way to say why is stderr.
  process.stderr.write(
    `${isConfigProblem(error) ? error.message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
});

/** Errors whose message says all an operator needs; a stack trace would only bury it. */
function isConfigProblem(error: unknown): error is ConfigError | UsersFileError {
  return error instanceof ConfigError || error instanceof UsersFileError;
}
