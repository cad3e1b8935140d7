import { spawnSync } from 'node:child_process';
import { POSTGRES_ADMIN_URL } from './postgres';

/**
 * Whether the test PostgreSQL answers. Jest collects tests synchronously and cannot skip from
 * inside a running test, so the connection is tried once, in a child process, while the file
 * loads.
 */
function postgresReachable(): boolean {
  const probe = `
    const { Client } = require(${JSON.stringify(require.resolve('pg'))});
    new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: 3000 })
      .connect()
      .then(() => process.exit(0), () => process.exit(1));`;
  const result = spawnSync(process.execPath, ['-e', probe], {
    env: { ...process.env, PROBE_URL: POSTGRES_ADMIN_URL },
    timeout: 10_000,
  });
  return result.status === 0;
}

/**
 * `describe` when PostgreSQL is reachable. Without it a CI run fails with a test that says
 * what is missing; a developer's run reports the suite as skipped (never as passed).
 */
export function describeWithPostgres(name: string, file: string, body: () => void): void {
  if (postgresReachable()) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(
          `PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: CI must provide it ` +
            '(or set TEST_POSTGRES_URL)',
        );
      });
    });
    return;
  }
  console.warn(`SKIPPED ${file}: PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}`);
  describe.skip(name, body);
}
