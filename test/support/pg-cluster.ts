import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of the test's own, which it may stop and start (outage tests). */
export interface PgCluster {
  readonly url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/**
 * initdb + pg_ctl into a temporary folder, on `port`. PostgreSQL refuses to run as root, so as
 * root the cluster belongs to the `postgres` user. Undefined when the tools are missing, so a
 * suite can skip; under CI=true that is an error instead.
 */
export function createPgCluster(port: number): PgCluster | undefined {
  if (!existsSync(join(BIN, 'initdb'))) {
    if (process.env.CI) throw new Error(`PostgreSQL's initdb is required in CI (${BIN})`);
    process.stderr.write(`SKIPPED: no initdb in ${BIN} (PG_BIN); outage tests skipped\n`);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pg-outage-'));
  const asRoot = userInfo().uid === 0;
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(BIN, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(BIN, tool), ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe', timeout: 60_000 });
  };
  if (asRoot) {
    const postgres = Number(execFileSync('id', ['-u', 'postgres']).toString());
    chownSync(dir, postgres, postgres);
  }
  const data = join(dir, 'data');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('could not create the outage cluster', { cause: error });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    destroy: () => {
      try {
        stop();
      } catch {
        // Already stopped: the folder goes all the same.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
