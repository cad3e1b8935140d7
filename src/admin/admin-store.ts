import { existsSync } from 'node:fs';
import type { StorageConfig } from '../config/config';
import { openStore } from '../storage/open-store';
import { describeStore } from '../storage/store-description';
import type { AuthStore } from '../storage/store';

/**
 * Opens the configured store after naming it on stderr. Run from another directory or without
 * the server's environment, a command would otherwise change a store the server never reads;
 * SQLite would even create a new, empty file for it.
 */
export function openNamedStore(
  config: StorageConfig,
  stderr: (line: string) => void,
): Promise<AuthStore> {
  const fresh =
    config.kind === 'sqlite' && !existsSync(config.path) ? ' (a new file: no store was there)' : '';
  stderr(`admin: using ${describeStore(config)}${fresh}\n`);
  return openStore(config);
}
