import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describeWithPostgres } from './support/postgres-available';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { freePorts } from './support/ports';
import { until } from './support/until';

const ROOT = join(__dirname, '..');
const SCRIPT = join(ROOT, 'scripts', 'replicas.mjs');
const PROCESSES = 5;

interface Replicas {
  readonly script: ChildProcess;
  output(): string;
  exited(): Promise<number | string>;
}

/**
 * `npm run replicas` on `ports` (auth, api, mcp, spa, replica: free ones unless given) and a
 * database of its own; `env` adds to or overrides.
 */
async function runReplicas(
  database: TestDatabase,
  env: Record<string, string>,
  ports?: readonly number[],
): Promise<Replicas> {
  const [auth, api, mcp, spa, replica] = ports ?? (await freePorts(5));
  const script = spawn(process.execPath, [SCRIPT], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      ISSUER_URL: `http://localhost:${auth}`,
      API_BASE_URL: `http://localhost:${api}`,
      MCP_BASE_URL: `http://localhost:${mcp}`,
      SPA_URL: `http://localhost:${spa}`,
      REPLICA_PORT: String(replica),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  script.stdout.on('data', collect);
  script.stderr.on('data', collect);
  const exit = new Promise<number | string>((resolve) =>
    script.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { script, output: () => output, exited: () => exit };
}

/** The servers (dist/main.js) running on `database`: what the script started and must stop. */
function serversOf(database: TestDatabase): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return cmdline.includes('dist/main.js') && environ.includes(`DATABASE_URL=${database.url}`);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}

/**
 * `count` consecutive free loopback ports, none of them in `others` (ports already promised to
 * the servers: free now, bound later, so a probe alone would not see them), the first returned.
 */
async function consecutiveFreePorts(count: number, others: readonly number[]): Promise<number> {
  for (;;) {
    const [probe] = await freePorts(1);
    const base = Math.min(probe!, 65535 - count);
    const block = Array.from({ length: count }, (_, i) => base + i);
    if (block.some((port) => others.includes(port))) continue;
    const taken = await Promise.all(block.map(isTaken));
    if (!taken.includes(true)) return base;
  }
}

function isTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

describeWithPostgres('npm run replicas', () => {
  let database: TestDatabase | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    // Whatever a failed test left behind, by the database only it uses.
    if (database) for (const pid of serversOf(database)) process.kill(pid, 'SIGKILL');
    await database?.drop();
  });

  it('stops every process when one cannot start, and names that one', async () => {
    // auth-2 alone gets REPLICA_PORT as its AUTH_PORT, and refuses it at start.
    const replicas = await runReplicas(database!, { REPLICA_PORT: 'not-a-port' });

    const code = await replicas.exited();
    expect(replicas.output()).toMatch(/auth-2 exited with code 1/);
    expect(replicas.output()).toMatch(/AUTH_PORT/);
    expect(code).toBe(1);
    await until('every server to have stopped', () =>
      serversOf(database!).length === 0 ? true : undefined,
    );
  }, 90_000);

  it('gives each process a metrics port of its own, and Ctrl-C stops them all', async () => {
    const ports = await freePorts(5);
    const base = await consecutiveFreePorts(PROCESSES, ports);
    const replicas = await runReplicas(database!, { METRICS_PORT: String(base) }, ports);

    await until(
      'the replicas to be ready',
      () => (replicas.output().includes('replicas ready') ? true : undefined),
      { timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; npm run replicas printed:\n${replicas.output()}`);
    });
    for (let i = 0; i < PROCESSES; i++) {
      const scrape = await fetch(`http://127.0.0.1:${base + i}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('http_request_duration_seconds');
    }
    expect(serversOf(database!)).toHaveLength(PROCESSES);

    replicas.script.kill('SIGINT');
    expect(await replicas.exited()).toBe(0);
    expect(serversOf(database!)).toEqual([]);
  }, 120_000);
});
