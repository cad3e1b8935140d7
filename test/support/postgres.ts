import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database per suite on the machine's PostgreSQL. In CI a missing server fails the
 * suite; on a developer's machine the suite says it skipped.
 */
export async function createTestDatabase(): Promise<TestDatabase | undefined> {
  const admin = new Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI)
      throw new Error(`PostgreSQL is required in CI (${POSTGRES_ADMIN_URL})`, { cause: error });
    process.stderr.write(
      `SKIPPED: PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}; PostgreSQL tests skipped\n`,
    );
    return undefined;
  }
  const name = `api_mcp_auth_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
