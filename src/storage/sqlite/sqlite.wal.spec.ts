import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteAuthStore } from './sqlite.store';

/** Another process takes the write lock on `path` and holds it for `ms`. */
async function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(path)});
    db.exec('CREATE TABLE IF NOT EXISTS held (x)');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const holder = spawn(process.execPath, ['-e', script], {
    cwd: join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return { released: exited };
}

describe('opening a fresh SQLite file while another process writes to it', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sqlite-wal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Switching a fresh file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at
  // once, without its busy handler, while another process holds the write lock: two cluster
  // workers starting together on a new file lost one of them this way.
  it('waits for the lock instead of failing at once with SQLITE_BUSY', async () => {
    const path = join(dir, 'auth.sqlite');
    const { released } = await holdWriteLock(path, 300);
    const started = Date.now();
    const store = new SqliteAuthStore(path);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await store.upsert('Session', 'after-the-lock', { uid: 'u' });
    expect(await store.find('Session', 'after-the-lock')).toMatchObject({ uid: 'u' });
    await store.close();
    await released;
  });
});
