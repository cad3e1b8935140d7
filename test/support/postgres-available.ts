import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { POSTGRES_ADMIN_URL as ADMIN_URL } from './postgres';

let reachable: boolean | undefined;

/**
 * Whether PostgreSQL answers, asked synchronously (in a child process) so a suite can choose
 * between running and skipping while Jest collects it.
 */
function postgresReachable(): boolean {
  if (reachable !== undefined) return reachable;
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Client } = require('pg');
       const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
       c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`,
      ADMIN_URL,
    ],
    { cwd: join(__dirname, '..', '..'), timeout: 10_000 },
  );
  reachable = probe.status === 0;
  return reachable;
}

/**
 * `describe` for suites that need PostgreSQL. Without it the suite is skipped visibly (Jest
 * reports its tests as skipped and the reason is printed), and under CI=true it fails instead.
 */
export function describeWithPostgres(name: string, suite: () => void): void {
  if (postgresReachable()) return describe(name, suite);
  if (process.env.CI) {
    return describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`PostgreSQL is required in CI (${ADMIN_URL})`);
      });
    });
  }
  process.stderr.write(`SKIPPED "${name}": PostgreSQL not reachable at ${ADMIN_URL}\n`);
  describe.skip(`${name} (SKIPPED: PostgreSQL not reachable at ${ADMIN_URL})`, suite);
}
