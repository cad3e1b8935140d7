import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The SQLite file holds the private signing key and refresh tokens: only the server's own user
 * may read it. A folder we create is 0700 and the file 0600 before SQLite opens it (SQLite
 * gives its -wal and -shm files the database file's mode). A folder that already existed keeps
 * its mode: it may be shared (/tmp) or owned by someone else; the operator chose it.
 */
export function prepareDataFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
