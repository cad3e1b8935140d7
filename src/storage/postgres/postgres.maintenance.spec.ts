import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres';
import { describeWithPostgres } from '../../../test/support/postgres-available';
import { PostgresAuthStore } from './postgres.store';

/**
 * Without vacuum, the dead row versions that every refresh and redemption leaves in
 * oidc_records are never reclaimed and lookups slow down over hours. The store says so when
 * its server or its own tables run without autovacuum.
 */
describeWithPostgres('the PostgreSQL store on vacuum settings that slow it down', () => {
  let db: TestDatabase;
  let store: PostgresAuthStore;
  let sql: Client;

  beforeAll(async () => {
    db = (await createTestDatabase())!;
    store = await PostgresAuthStore.connect(db.url, 2);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await store.close();
    await db.drop();
  });

  it('names the tables whose own setting turns autovacuum off', async () => {
    const tableWarning = (warnings: string[]) => warnings.find((w) => w.includes('for the tables'));
    expect(tableWarning(await store.maintenanceWarnings())).toBeUndefined();

    await sql.query('ALTER TABLE oidc_records SET (autovacuum_enabled = off)');
    await sql.query('ALTER TABLE revoked_grants SET (autovacuum_enabled = false)');
    await sql.query('ALTER TABLE attempt_counters SET (autovacuum_enabled = on)');

    expect(tableWarning(await store.maintenanceWarnings())).toMatch(
      /^autovacuum is off for the tables oidc_records, revoked_grants: dead row versions pile up/,
    );
  });

  it('says when the server runs without autovacuum, and only then', async () => {
    const { rows } = await sql.query<{ on: boolean }>(
      "SELECT current_setting('autovacuum')::boolean AND current_setting('track_counts')::boolean AS on",
    );
    const serverWarning = (await store.maintenanceWarnings()).find((w) =>
      w.startsWith('PostgreSQL runs with'),
    );
    if (rows[0]!.on) expect(serverWarning).toBeUndefined();
    else expect(serverWarning).toMatch(/= off, so autovacuum never runs: dead row versions/);
  });
});
