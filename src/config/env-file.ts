import { existsSync } from 'node:fs';

/**
 * `.env` from the working directory into `process.env`, where variables already set win. The
 * server and every operator command call this one function, so a command run beside the
 * server's `.env` opens the server's store, not a default one.
 */
export function loadEnvFile(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}
