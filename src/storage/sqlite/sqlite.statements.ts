/**
 * When a grant's client last got tokens: its newest code or refresh token (JWT access tokens
 * are not stored), issued or redeemed, whichever is later. One index seek per model
 * (oidc_records_grant_newest), however many tokens refresh rotation has left under the grant.
 */
const newestUse = (model: 'AuthorizationCode' | 'RefreshToken') => `coalesce((
    SELECT max(coalesce(json_extract(t.payload, '$.iat'), 0) * 1000, coalesce(t.consumed_at, 0))
    FROM oidc_records t WHERE t.grant_id = g.id AND t.model = '${model}'
    ORDER BY json_extract(t.payload, '$.iat') DESC LIMIT 1), 0)`;

/** Parameters: account id, a client id left out, now. Grants are keyed by id, not account. */
const ACCOUNT_GRANTS = `FROM oidc_records g
    WHERE g.model = 'Grant' AND json_extract(g.payload, '$.accountId') = ?
      AND json_extract(g.payload, '$.clientId') <> ? AND (g.expires_at IS NULL OR g.expires_at > ?)`;

const ACCOUNT_GRANTS_PAGE = `SELECT g.id, g.payload,
      max(${newestUse('AuthorizationCode')}, ${newestUse('RefreshToken')}) AS last_used_at
    ${ACCOUNT_GRANTS}`;

/** Every statement the SQLite store runs, in one place; values are always bound parameters. */
export const SQLITE = {
  upsert: `INSERT INTO oidc_records (model, id, payload, grant_id, uid, user_code, expires_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
      uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`,
  findById: `SELECT payload, consumed_at FROM oidc_records
    WHERE model = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)`,
  findByUid: `SELECT payload, consumed_at FROM oidc_records
    WHERE model = ? AND uid = ? AND (expires_at IS NULL OR expires_at > ?)`,
  findByUserCode: `SELECT payload, consumed_at FROM oidc_records
    WHERE model = ? AND user_code = ? AND (expires_at IS NULL OR expires_at > ?)`,
  consume: `UPDATE oidc_records SET consumed_at = ?
    WHERE model = ? AND id = ? AND consumed_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
  consumption: `SELECT consumed_at, successor_id FROM oidc_records
    WHERE model = ? AND id = ? AND consumed_at IS NOT NULL AND (expires_at IS NULL OR expires_at > ?)`,
  recordSuccessor: `UPDATE oidc_records SET successor_id = ?
    WHERE model = ? AND id = ? AND successor_id IS NULL`,
  rotate: `UPDATE oidc_records SET consumed_at = ?, successor_id = ?
    WHERE model = ? AND id = ? AND consumed_at IS NULL AND successor_id IS NULL
      AND (expires_at IS NULL OR expires_at > ?)`,
  releaseConsumption: `UPDATE oidc_records SET consumed_at = NULL
    WHERE model = ? AND id = ? AND consumed_at = ? AND successor_id IS NULL`,
  destroy: 'DELETE FROM oidc_records WHERE model = ? AND id = ?',
  revokeByGrantId: 'DELETE FROM oidc_records WHERE model = ? AND grant_id = ?',
  // A page of an account's grants, newest first, and how many there are (counting stops at a
  // bound). Each reads only as many entries of oidc_records_account_grants as it returns or
  // counts: the expressions are spelled as the index spells them (migrations.ts, version 9).
  grantsOfAccount: `${ACCOUNT_GRANTS_PAGE}
    ORDER BY json_extract(g.payload, '$.iat') DESC, g.id DESC LIMIT ?`,
  olderGrantsOfAccount: `${ACCOUNT_GRANTS_PAGE}
      AND json_extract(g.payload, '$.iat') <= ?
      AND (json_extract(g.payload, '$.iat') < ? OR g.id < ?)
    ORDER BY json_extract(g.payload, '$.iat') DESC, g.id DESC LIMIT ?`,
  countGrantsOfAccount: `SELECT count(*) AS n FROM (SELECT 1 ${ACCOUNT_GRANTS} LIMIT ?)`,
  revokeAccessToken: `INSERT INTO revoked_access_tokens (jti, expires_at) VALUES (?, ?)
    ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
  revokeGrant: `INSERT INTO revoked_grants (grant_id, expires_at) VALUES (?, ?)
    ON CONFLICT (grant_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
  isRevoked: `SELECT 1 FROM revoked_access_tokens WHERE jti = ? AND expires_at > ?
    UNION ALL SELECT 1 FROM revoked_grants WHERE grant_id = ? AND expires_at > ? LIMIT 1`,
  liveRevocations: `SELECT 'token' AS kind, jti AS id, expires_at FROM revoked_access_tokens
    WHERE expires_at > ? UNION ALL
    SELECT 'grant' AS kind, grant_id AS id, expires_at FROM revoked_grants WHERE expires_at > ?`,
  // A window that has ended starts again at this attempt.
  countAttempt: `INSERT INTO attempt_counters (key, count, first_at, expires_at) VALUES (?, 1, ?, ?)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN attempt_counters.expires_at <= excluded.first_at THEN 1 ELSE attempt_counters.count + 1 END,
      first_at = CASE WHEN attempt_counters.expires_at <= excluded.first_at THEN excluded.first_at ELSE attempt_counters.first_at END,
      expires_at = CASE WHEN attempt_counters.expires_at <= excluded.first_at THEN excluded.expires_at ELSE attempt_counters.expires_at END
    RETURNING count, first_at`,
  uncountAttempt: 'UPDATE attempt_counters SET count = count - 1 WHERE key = ? AND count > 0',
  putSecret: 'INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING',
  getSecret: 'SELECT value FROM server_secrets WHERE name = ?',
  replaceSecret: 'UPDATE server_secrets SET value = ? WHERE name = ? AND value = ?',
  deleteExpired: [
    'DELETE FROM oidc_records WHERE expires_at IS NOT NULL AND expires_at <= ?',
    'DELETE FROM revoked_access_tokens WHERE expires_at <= ?',
    'DELETE FROM revoked_grants WHERE expires_at <= ?',
    'DELETE FROM attempt_counters WHERE expires_at <= ?',
    'DELETE FROM dpop_proof_ids WHERE expires_at <= ?',
  ],
  appliedMigrations: 'SELECT version FROM schema_migrations',
  recordMigration: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
} as const;

/** The operator's data (account-store.ts). */
export const SQLITE_ACCOUNTS = {
  addUser: `INSERT INTO users (username_key, username, sub, password_hash, claims, origin,
      disabled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)
    ON CONFLICT DO NOTHING`,
  findUser: 'SELECT * FROM users WHERE username_key = ?',
  findUserBySubject: 'SELECT * FROM users WHERE sub = ?',
  listUsers: 'SELECT * FROM users ORDER BY username_key',
  findUsersByEmail: `SELECT * FROM users WHERE json_valid(claims)
    AND lower(json_extract(claims, '$.email')) = ? ORDER BY username_key`,
  setUserDisabled: 'UPDATE users SET disabled_at = ?, updated_at = ? WHERE username_key = ?',
  setUserPassword: 'UPDATE users SET password_hash = ?, updated_at = ? WHERE username_key = ?',
  removeUser: 'DELETE FROM users WHERE username_key = ?',
  grantsOfAccount: `SELECT id, payload FROM oidc_records WHERE model = 'Grant'
    AND json_extract(payload, '$.accountId') = ? AND (expires_at IS NULL OR expires_at > ?)`,
  grantsOfClient: `SELECT id, payload FROM oidc_records WHERE model = 'Grant'
    AND json_extract(payload, '$.clientId') = ? AND (expires_at IS NULL OR expires_at > ?)`,
  deleteGrant: `DELETE FROM oidc_records WHERE grant_id = ? OR (model = 'Grant' AND id = ?)`,
  deleteSessionsOf: `DELETE FROM oidc_records WHERE model = 'Session'
    AND json_extract(payload, '$.accountId') = ?`,
  registeredClients: `SELECT payload FROM oidc_records WHERE model = 'Client' ORDER BY id`,
  recordClientUse: `INSERT INTO client_activity (client_id, kind, client_name, redirect_uris,
      first_seen, last_used) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (client_id) DO UPDATE SET kind = excluded.kind, client_name = excluded.client_name,
      redirect_uris = excluded.redirect_uris, last_used = excluded.last_used`,
  clientActivity: 'SELECT * FROM client_activity ORDER BY client_id',
  forgetClientActivity: 'DELETE FROM client_activity WHERE client_id = ?',
  deleteRegisteredClient: `DELETE FROM oidc_records WHERE model = 'Client' AND id = ?`,
} as const;
