import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageConfig } from '../src/config/config';
import { describeWithPostgres } from './support/postgres-available';
import { createTestDatabase, type TestDatabase } from './support/postgres';

const FIRST_START = join(__dirname, 'fixtures', 'processes', 'first-start.js');
const PROCESSES = 6;
const ROUNDS = 3;

interface Outcome {
  readonly code: number | null;
  readonly kids?: string[];
  readonly cookieKeys?: string[];
  readonly alice?: string;
  readonly error?: string;
}

/**
 * Starts `PROCESSES` processes, lets each load its code and open nothing yet, then releases
 * them together onto the same fresh store, as cluster workers or replicas started by one
 * deployment do.
 */
async function startTogether(storage: StorageConfig): Promise<Outcome[]> {
  const children = Array.from({ length: PROCESSES }, () =>
    spawn(process.execPath, [FIRST_START, JSON.stringify(storage)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return {
      ready: new Promise<void>((resolve) => {
        const check = () => (text.startsWith('ready\n') ? resolve() : undefined);
        child.stdout.on('data', check);
      }),
      // 'close', not 'exit': a process can exit before its last stdout chunk has been read.
      done: new Promise<Outcome>((resolve) =>
        child.once('close', (code) => {
          const last = text.trim().split('\n').pop() ?? '';
          const parsed = last.startsWith('{') ? (JSON.parse(last) as Omit<Outcome, 'code'>) : {};
          resolve({ code, ...parsed });
        }),
      ),
    };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin.end('go\n');
  return Promise.all(outputs.map((o) => o.done));
}

function expectOneOutcome(outcomes: Outcome[]): void {
  expect(outcomes.filter((o) => o.code !== 0)).toEqual([]);
  const [first] = outcomes;
  expect(first!.kids).toHaveLength(1);
  expect(first!.cookieKeys).toHaveLength(1);
  expect(first!.alice).toEqual(expect.any(String));
  // Every process uses the keyset, cookie keys and users the store kept, not its own.
  for (const outcome of outcomes) {
    expect({ kids: outcome.kids, cookieKeys: outcome.cookieKeys, alice: outcome.alice }).toEqual({
      kids: first!.kids,
      cookieKeys: first!.cookieKeys,
      alice: first!.alice,
    });
  }
}

describe('processes starting together on one fresh SQLite file', () => {
  it(`${PROCESSES} processes, ${ROUNDS} fresh files: every one starts, all agree`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const dir = mkdtempSync(join(tmpdir(), 'first-start-'));
      try {
        expectOneOutcome(await startTogether({ kind: 'sqlite', path: join(dir, 'auth.sqlite') }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 120_000);
});

describeWithPostgres('processes starting together on one fresh PostgreSQL database', () => {
  it(`${PROCESSES} processes, ${ROUNDS} fresh databases: every one starts, all agree`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const db: TestDatabase | undefined = await createTestDatabase();
      if (!db) throw new Error('PostgreSQL went away during the suite');
      try {
        expectOneOutcome(await startTogether({ kind: 'postgres', url: db.url, poolSize: 2 }));
      } finally {
        await db.drop();
      }
    }
  }, 120_000);
});
