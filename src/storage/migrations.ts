/**
 * The schema, as an ordered list of steps shared by both engines. Each step runs once, in order,
 * inside a transaction, and is recorded in `schema_migrations`; a new step is appended, never
 * edited. Types are written so both engines read them alike (SQLite maps BIGINT to INTEGER);
 * where the dialects differ a step gives both spellings.
 */
import { CONNECTED_ACCOUNTS_TABLE } from './connection-store';
import { DPOP_PROOF_IDS_TABLE } from './dpop-proof-ids';

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly (string | Readonly<Record<Dialect, string>>)[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'oidc-provider records and server secrets',
    // IF NOT EXISTS: databases created before migrations were versioned already have these.
    statements: [
      {
        sqlite: `CREATE TABLE IF NOT EXISTS oidc_records (
          model TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL, grant_id TEXT, uid TEXT,
          user_code TEXT, expires_at INTEGER, PRIMARY KEY (model, id))`,
        postgres: `CREATE TABLE IF NOT EXISTS oidc_records (
          model TEXT NOT NULL, id TEXT NOT NULL, payload JSONB NOT NULL, grant_id TEXT, uid TEXT,
          user_code TEXT, expires_at BIGINT, PRIMARY KEY (model, id))`,
      },
      'CREATE INDEX IF NOT EXISTS oidc_records_grant ON oidc_records (grant_id) WHERE grant_id IS NOT NULL',
      'CREATE INDEX IF NOT EXISTS oidc_records_uid ON oidc_records (uid) WHERE uid IS NOT NULL',
      'CREATE INDEX IF NOT EXISTS oidc_records_user_code ON oidc_records (user_code) WHERE user_code IS NOT NULL',
      'CREATE INDEX IF NOT EXISTS oidc_records_expiry ON oidc_records (expires_at) WHERE expires_at IS NOT NULL',
      'CREATE TABLE IF NOT EXISTS server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)',
    ],
  },
  {
    version: 2,
    name: 'consumption as columns; revocations and login failures in their own tables',
    statements: [
      // Epoch milliseconds of the first consumption, set by one conditional UPDATE (single use),
      // and the refresh token issued in exchange (the reuse window answers with it).
      'ALTER TABLE oidc_records ADD COLUMN consumed_at BIGINT',
      'ALTER TABLE oidc_records ADD COLUMN successor_id TEXT',
      {
        sqlite: `UPDATE oidc_records SET consumed_at = json_extract(payload, '$.consumed') * 1000
                 WHERE json_extract(payload, '$.consumed') IS NOT NULL`,
        postgres: `UPDATE oidc_records SET consumed_at = (payload->>'consumed')::bigint * 1000
                   WHERE payload ? 'consumed'`,
      },
      'CREATE TABLE revoked_access_tokens (jti TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)',
      'CREATE TABLE revoked_grants (grant_id TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)',
      'CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at)',
      'CREATE INDEX revoked_grants_expiry ON revoked_grants (expires_at)',
      `INSERT INTO revoked_access_tokens (jti, expires_at)
         SELECT id, expires_at FROM oidc_records
         WHERE model = 'RevokedAccessToken' AND expires_at IS NOT NULL`,
      `INSERT INTO revoked_grants (grant_id, expires_at)
         SELECT id, expires_at FROM oidc_records WHERE model = 'RevokedGrant' AND expires_at IS NOT NULL`,
      `CREATE TABLE login_failures (
         key TEXT PRIMARY KEY, count INTEGER NOT NULL, first_at BIGINT NOT NULL,
         expires_at BIGINT NOT NULL)`,
      'CREATE INDEX login_failures_expiry ON login_failures (expires_at)',
      // Login failures are short-lived counters: starting them afresh is harmless.
      `DELETE FROM oidc_records WHERE model IN ('RevokedAccessToken', 'RevokedGrant', 'LoginFailures')`,
    ],
  },
  {
    version: 3,
    name: 'users and client activity',
    statements: [
      // username_key is the lowercased username: sign-in matches usernames case-insensitively.
      // claims is JSON text in both engines, read whole; only the email lookup (linking an
      // upstream identity by email, rare) queries into it.
      `CREATE TABLE users (
         username_key TEXT PRIMARY KEY, username TEXT NOT NULL, sub TEXT NOT NULL UNIQUE,
         password_hash TEXT NOT NULL, claims TEXT NOT NULL, origin TEXT NOT NULL,
         disabled_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
      // Clients as the operator sees them: registered clients live in oidc_records, Client ID
      // Metadata Document clients only in oidc-provider's memory, so first and last use are
      // recorded here for both.
      `CREATE TABLE client_activity (
         client_id TEXT PRIMARY KEY, kind TEXT NOT NULL, client_name TEXT,
         redirect_uris TEXT NOT NULL, first_seen BIGINT NOT NULL, last_used BIGINT NOT NULL)`,
    ],
  },
  {
    version: 4,
    name: 'attempt counters',
    statements: [
      // The windowed counters now also limit client registrations across replicas. A new table,
      // not a renamed one: during a rolling upgrade, processes of the previous version keep
      // counting sign-in failures in login_failures until they stop (a later migration drops
      // it). Counters are short-lived, so starting them afresh is harmless.
      `CREATE TABLE attempt_counters (
         key TEXT PRIMARY KEY, count INTEGER NOT NULL, first_at BIGINT NOT NULL,
         expires_at BIGINT NOT NULL)`,
      'CREATE INDEX attempt_counters_expiry ON attempt_counters (expires_at)',
    ],
  },
  {
    version: 5,
    name: 'trust configuration',
    statements: [
      // The operator's machine clients and workload issuers (trust-store.ts), as JSON text in
      // both engines: read whole by kind and id, never queried into.
      `CREATE TABLE trust_entries (
         kind TEXT NOT NULL, id TEXT NOT NULL, document TEXT NOT NULL, created_at BIGINT NOT NULL,
         PRIMARY KEY (kind, id))`,
    ],
  },
  { version: 6, name: 'seen DPoP proofs', statements: DPOP_PROOF_IDS_TABLE },
  {
    version: 7,
    name: 'upstream OpenID providers and linked identities',
    statements: [
      // One JSON document per upstream: the AuthServer validates it on every read.
      `CREATE TABLE upstream_idps (
         slug TEXT PRIMARY KEY, document TEXT NOT NULL, updated_at BIGINT NOT NULL)`,
      // OpenID Connect Core §5.7: only (iss, sub) identifies an upstream user; email does not.
      `CREATE TABLE federated_identities (
         issuer TEXT NOT NULL, subject TEXT NOT NULL, user_sub TEXT NOT NULL,
         idp_slug TEXT NOT NULL, email TEXT, linked_at BIGINT NOT NULL,
         last_used_at BIGINT NOT NULL, PRIMARY KEY (issuer, subject))`,
      'CREATE INDEX federated_identities_user ON federated_identities (user_sub)',
    ],
  },
  // Version 8 is another change's; the runner applies whatever versions are missing.
  { version: 8, name: 'connected accounts', statements: CONNECTED_ACCOUNTS_TABLE },
  {
    version: 9,
    name: "an account's grants and a grant's newest token by index",
    // The account page reads a page of an account's grants, newest first, and for each the
    // newest code and refresh token: without these indexes both read every grant of every
    // account and every token a grant ever had (refresh rotation leaves one per use). They index
    // the payload fields the queries name, spelled exactly as the queries spell them, so rows
    // written by an older process during a rolling upgrade are indexed as well. PostgreSQL
    // builds them inside the migration's transaction, holding writes to oidc_records meanwhile.
    statements: [
      {
        // The client and expiry as well: SQLite counts the account's grants from the index
        // alone, without reading (and parsing) each row, in the process's only thread.
        sqlite: `CREATE INDEX oidc_records_account_grants ON oidc_records (
          json_extract(payload, '$.accountId'), json_extract(payload, '$.iat'), id,
          json_extract(payload, '$.clientId'), expires_at) WHERE model = 'Grant'`,
        // jsonb orders numbers by value and never fails to compare, unlike a cast to bigint.
        postgres: `CREATE INDEX oidc_records_account_grants ON oidc_records (
          (payload->>'accountId'), (payload->'iat'), id) WHERE model = 'Grant'`,
      },
      {
        sqlite: `CREATE INDEX oidc_records_grant_newest ON oidc_records (
          grant_id, model, json_extract(payload, '$.iat')) WHERE grant_id IS NOT NULL`,
        postgres: `CREATE INDEX oidc_records_grant_newest ON oidc_records (
          grant_id, model, (payload->'iat')) WHERE grant_id IS NOT NULL`,
      },
      // Its leading column serves every lookup by grant the old index served.
      'DROP INDEX oidc_records_grant',
    ],
  },
];

export function statementFor(statement: Migration['statements'][number], dialect: Dialect): string {
  return typeof statement === 'string' ? statement : statement[dialect];
}

export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;
