/** BIGINT columns arrive as strings (they may exceed 2^53); ours are epoch milliseconds. */
export type Bigint = string;

/** The LISTEN/NOTIFY channel on which revocations reach every resource-server process. */
export const REVOCATION_CHANNEL = 'auth_revocations';

/**
 * A statement that each pooled connection prepares once under its name, then only binds and
 * executes: PostgreSQL does not parse and plan it again on every call. Behind a pooler in
 * transaction mode this needs prepared-statement support (PgBouncer 1.21+,
 * max_prepared_statements).
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

function prepared<K extends string>(
  prefix: string,
  texts: Record<K, string>,
): Record<K, Statement> {
  const entries = Object.entries<string>(texts).map(([key, text]) => [
    key,
    { name: `${prefix}.${key}`, text },
  ]);
  return Object.fromEntries(entries) as Record<K, Statement>;
}

/**
 * When a grant's client last got tokens: its newest code or refresh token (JWT access tokens
 * are not stored), issued or redeemed, whichever is later. One index seek per model
 * (oidc_records_grant_newest), however many tokens refresh rotation has left under the grant.
 */
const newestUse = (model: 'AuthorizationCode' | 'RefreshToken') => `(
    SELECT GREATEST(COALESCE((t.payload->>'iat')::numeric, 0) * 1000, COALESCE(t.consumed_at, 0))
    FROM oidc_records t WHERE t.grant_id = g.id AND t.model = '${model}'
    ORDER BY t.payload->'iat' DESC LIMIT 1)`;

/** Parameters: $1 account id, $2 a client id left out, $3 now. Grants are keyed by id. */
const ACCOUNT_GRANTS = `FROM oidc_records g
    WHERE g.model = 'Grant' AND g.payload->>'accountId' = $1
      AND g.payload->>'clientId' <> $2 AND (g.expires_at IS NULL OR g.expires_at > $3)`;

const ACCOUNT_GRANTS_PAGE = `SELECT g.id, g.payload,
      GREATEST(${newestUse('AuthorizationCode')}, ${newestUse('RefreshToken')})::bigint AS last_used_at
    ${ACCOUNT_GRANTS}`;

/** Every statement the PostgreSQL store runs, in one place; values are always bound parameters. */
export const POSTGRES = prepared('store', {
  upsert: `INSERT INTO oidc_records (model, id, payload, grant_id, uid, user_code, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
      uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
  findById: `SELECT payload, consumed_at FROM oidc_records
    WHERE model = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > $3)`,
  findByUid: `SELECT payload, consumed_at FROM oidc_records
    WHERE model = $1 AND uid = $2 AND (expires_at IS NULL OR expires_at > $3)`,
  findByUserCode: `SELECT payload, consumed_at FROM oidc_records
    WHERE model = $1 AND user_code = $2 AND (expires_at IS NULL OR expires_at > $3)`,
  // The row lock taken by UPDATE makes a second caller wait, re-check `consumed_at IS NULL`
  // on the committed row and match nothing: exactly one caller gets the row back.
  consume: `UPDATE oidc_records SET consumed_at = $3
    WHERE model = $1 AND id = $2 AND consumed_at IS NULL AND (expires_at IS NULL OR expires_at > $3)
    RETURNING id`,
  consumption: `SELECT consumed_at, successor_id FROM oidc_records
    WHERE model = $1 AND id = $2 AND consumed_at IS NOT NULL AND (expires_at IS NULL OR expires_at > $3)`,
  recordSuccessor: `UPDATE oidc_records SET successor_id = $3
    WHERE model = $1 AND id = $2 AND successor_id IS NULL`,
  releaseConsumption: `UPDATE oidc_records SET consumed_at = NULL
    WHERE model = $1 AND id = $2 AND consumed_at = $3 AND successor_id IS NULL`,
  // The refresh_token grant reads the token, then its grant, then (tokens that expire with the
  // session) its session, then the account: one statement instead of four round trips.
  refreshContext: `SELECT t.payload, t.consumed_at,
      g.payload AS grant_payload, g.consumed_at AS grant_consumed_at,
      s.payload AS session_payload, s.consumed_at AS session_consumed_at,
      to_jsonb(u) AS user_row
    FROM oidc_records t
    LEFT JOIN oidc_records g ON g.model = 'Grant' AND g.id = t.grant_id
      AND (g.expires_at IS NULL OR g.expires_at > $2)
    LEFT JOIN oidc_records s ON s.model = 'Session' AND s.uid = t.payload->>'sessionUid'
      AND (s.expires_at IS NULL OR s.expires_at > $2)
    LEFT JOIN users u ON u.sub = t.payload->>'accountId'
    WHERE t.model = 'RefreshToken' AND t.id = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)`,
  // Consumption and successor in one statement: the successor is stored only by the one caller
  // whose UPDATE claimed the live, unused predecessor (a second waits on the row lock, then
  // re-checks the committed row and matches nothing), so one used token has one successor.
  rotate: `WITH p AS (UPDATE oidc_records SET consumed_at = $9, successor_id = $2
      WHERE model = $1 AND id = $8 AND consumed_at IS NULL AND successor_id IS NULL
        AND (expires_at IS NULL OR expires_at > $9)
      RETURNING 1)
    INSERT INTO oidc_records (model, id, payload, grant_id, uid, user_code, expires_at)
    SELECT $1, $2, $3::jsonb, $4, $5, $6, $7::bigint FROM p
    ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
      uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at
    RETURNING id`,
  destroy: 'DELETE FROM oidc_records WHERE model = $1 AND id = $2',
  revokeByGrantId: 'DELETE FROM oidc_records WHERE model = $1 AND grant_id = $2',
  // A page of an account's grants, newest first, and how many there are (counting stops at a
  // bound). Each reads only as many entries of oidc_records_account_grants as it returns or
  // counts: the expressions are spelled as the index spells them (migrations.ts, version 9).
  grantsOfAccount: `${ACCOUNT_GRANTS_PAGE}
    ORDER BY g.payload->'iat' DESC, g.id DESC LIMIT $4`,
  olderGrantsOfAccount: `${ACCOUNT_GRANTS_PAGE}
      AND (g.payload->'iat', g.id) < ($5::jsonb, $6::text)
    ORDER BY g.payload->'iat' DESC, g.id DESC LIMIT $4`,
  countGrantsOfAccount: `SELECT count(*)::int AS n FROM (SELECT 1 ${ACCOUNT_GRANTS} LIMIT $4) AS page`,
  // Each revocation tells every listening process in the same statement: NOTIFY is
  // transactional, so it is delivered exactly when the row is committed.
  revokeAccessToken: `WITH r AS (INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2)
      ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(revoked_access_tokens.expires_at, EXCLUDED.expires_at)
      RETURNING expires_at)
    SELECT pg_notify('${REVOCATION_CHANNEL}', json_build_object('kind', 'token', 'id', $1::text, 'expiresAt', expires_at)::text) FROM r`,
  revokeGrant: `WITH r AS (INSERT INTO revoked_grants (grant_id, expires_at) VALUES ($1, $2)
      ON CONFLICT (grant_id) DO UPDATE SET expires_at = GREATEST(revoked_grants.expires_at, EXCLUDED.expires_at)
      RETURNING expires_at)
    SELECT pg_notify('${REVOCATION_CHANNEL}', json_build_object('kind', 'grant', 'id', $1::text, 'expiresAt', expires_at)::text) FROM r`,
  liveRevocations: `SELECT 'token' AS kind, jti AS id, expires_at FROM revoked_access_tokens
    WHERE expires_at > $1 UNION ALL
    SELECT 'grant' AS kind, grant_id AS id, expires_at FROM revoked_grants WHERE expires_at > $1`,
  isRevoked: `SELECT 1 FROM revoked_access_tokens WHERE jti = $1 AND expires_at > $3
    UNION ALL SELECT 1 FROM revoked_grants WHERE grant_id = $2 AND expires_at > $3 LIMIT 1`,
  // A window that has ended starts again at this attempt.
  countAttempt: `INSERT INTO attempt_counters AS f (key, count, first_at, expires_at) VALUES ($1, 1, $2, $3)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN f.expires_at <= EXCLUDED.first_at THEN 1 ELSE f.count + 1 END,
      first_at = CASE WHEN f.expires_at <= EXCLUDED.first_at THEN EXCLUDED.first_at ELSE f.first_at END,
      expires_at = CASE WHEN f.expires_at <= EXCLUDED.first_at THEN EXCLUDED.expires_at ELSE f.expires_at END
    RETURNING count, first_at`,
  uncountAttempt: 'UPDATE attempt_counters SET count = count - 1 WHERE key = $1 AND count > 0',
  putSecret: 'INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  getSecret: 'SELECT value FROM server_secrets WHERE name = $1',
  replaceSecret: 'UPDATE server_secrets SET value = $3 WHERE name = $1 AND value = $2',
  deleteExpired: `WITH
      a AS (DELETE FROM oidc_records WHERE expires_at IS NOT NULL AND expires_at <= $1 RETURNING 1),
      b AS (DELETE FROM revoked_access_tokens WHERE expires_at <= $1 RETURNING 1),
      c AS (DELETE FROM revoked_grants WHERE expires_at <= $1 RETURNING 1),
      d AS (DELETE FROM attempt_counters WHERE expires_at <= $1 RETURNING 1),
      e AS (DELETE FROM dpop_proof_ids WHERE expires_at <= $1 RETURNING 1)
    SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b) + (SELECT count(*) FROM c)
      + (SELECT count(*) FROM d) + (SELECT count(*) FROM e) AS removed`,
  // Held for the migrating transaction: processes starting at once migrate one after another.
  migrationLock: 'SELECT pg_advisory_xact_lock(7431001)',
  appliedMigrations: 'SELECT version FROM schema_migrations',
  recordMigration: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
  // Autovacuum runs only with both settings on, and skips a table whose own storage parameter
  // turns it off (ALTER TABLE … SET (autovacuum_enabled = off)).
  vacuumSettings: `SELECT current_setting('autovacuum')::boolean AS autovacuum,
      current_setting('track_counts')::boolean AS track_counts,
      ARRAY(SELECT c.relname::text FROM pg_class c
        CROSS JOIN LATERAL pg_options_to_table(c.reloptions) o
        WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
          AND o.option_name = 'autovacuum_enabled' AND NOT o.option_value::boolean
        ORDER BY c.relname) AS tables_off`,
});

/** The operator's data (account-store.ts). */
export const POSTGRES_ACCOUNTS = prepared('accounts', {
  addUser: `INSERT INTO users (username_key, username, sub, password_hash, claims, origin,
      disabled_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $7)
    ON CONFLICT DO NOTHING`,
  findUser: 'SELECT * FROM users WHERE username_key = $1',
  findUserBySubject: 'SELECT * FROM users WHERE sub = $1',
  listUsers: 'SELECT * FROM users ORDER BY username_key',
  findUsersByEmail: `SELECT * FROM users WHERE lower(claims::jsonb->>'email') = $1
    ORDER BY username_key`,
  setUserDisabled: 'UPDATE users SET disabled_at = $2, updated_at = $3 WHERE username_key = $1',
  setUserPassword: 'UPDATE users SET password_hash = $2, updated_at = $3 WHERE username_key = $1',
  removeUser: 'DELETE FROM users WHERE username_key = $1',
  grantsOfAccount: `SELECT id, payload FROM oidc_records WHERE model = 'Grant'
    AND payload->>'accountId' = $1 AND (expires_at IS NULL OR expires_at > $2)`,
  grantsOfClient: `SELECT id, payload FROM oidc_records WHERE model = 'Grant'
    AND payload->>'clientId' = $1 AND (expires_at IS NULL OR expires_at > $2)`,
  deleteGrant: `DELETE FROM oidc_records WHERE grant_id = $1 OR (model = 'Grant' AND id = $1)`,
  deleteSessionsOf: `DELETE FROM oidc_records WHERE model = 'Session'
    AND payload->>'accountId' = $1`,
  registeredClients: `SELECT payload FROM oidc_records WHERE model = 'Client' ORDER BY id`,
  recordClientUse: `INSERT INTO client_activity (client_id, kind, client_name, redirect_uris,
      first_seen, last_used) VALUES ($1, $2, $3, $4, $5, $5)
    ON CONFLICT (client_id) DO UPDATE SET kind = EXCLUDED.kind, client_name = EXCLUDED.client_name,
      redirect_uris = EXCLUDED.redirect_uris, last_used = EXCLUDED.last_used`,
  clientActivity: 'SELECT * FROM client_activity ORDER BY client_id',
  // Both deletes in one statement, so the answer says whether either found something.
  removeClient: `WITH a AS (DELETE FROM client_activity WHERE client_id = $1 RETURNING 1),
      r AS (DELETE FROM oidc_records WHERE model = 'Client' AND id = $1 RETURNING 1)
    SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM r) AS removed`,
});
