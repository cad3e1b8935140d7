import type Database from 'better-sqlite3';

const RETRY_FOR_MS = 5_000;
const PAUSE_MS = 10;

/**
 * Switches the file to WAL, which lets separate processes read while one writes. On a fresh
 * file the switch needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without its
 * busy handler, when another process opening the same file holds a lock (it will not wait
 * while holding a shared lock itself, to avoid a deadlock). Processes starting together on one
 * fresh file (cluster workers, replicas) therefore retry here for a bounded time.
 */
export function enterWalMode(db: Database.Database): void {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      pause(PAUSE_MS + Math.floor(Math.random() * PAUSE_MS));
    }
  }
}

function isBusy(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';
}

/** better-sqlite3 is synchronous: the opening thread waits without spinning. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
