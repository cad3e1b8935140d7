/**
 * Connected accounts (AuthStore.connections): a user's grant at a third-party authorization
 * server, kept so tools can call that server's APIs as the user (the "token vault"). The tokens
 * arrive here sealed (auth/connections/envelope.ts): this layer never sees them in clear.
 */
export interface StoredConnection {
  readonly userSub: string;
  /** The upstream provider's slug. */
  readonly provider: string;
  /** Access token, refresh token and expiry, sealed with the user and provider as AAD. */
  readonly sealed: string;
  /** Scopes the upstream granted, space-separated, for the account page. */
  readonly scopes: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  readonly updatedAt: number;
}

export interface ConnectionStore {
  /** Inserts or replaces the user's connection to `provider` (a reconnect replaces it). */
  putConnection(connection: Omit<StoredConnection, 'connectedAt' | 'updatedAt'>): Promise<void>;
  /** Replaces only the sealed tokens, after a refresh; false when it was removed meanwhile. */
  resealConnection(userSub: string, provider: string, sealed: string): Promise<boolean>;
  findConnection(userSub: string, provider: string): Promise<StoredConnection | undefined>;
  connectionsOfUser(userSub: string): Promise<StoredConnection[]>;
  /** False when there was none. */
  removeConnection(userSub: string, provider: string): Promise<boolean>;
}

/** A row of connected_accounts, on either engine (BIGINT arrives as a string from pg). */
export interface ConnectionRow {
  user_sub: string;
  provider: string;
  sealed: string;
  scopes: string;
  connected_at: number | string;
  updated_at: number | string;
}

export function connectionFromRow(row: ConnectionRow): StoredConnection {
  return {
    userSub: row.user_sub,
    provider: row.provider,
    sealed: row.sealed,
    scopes: row.scopes,
    connectedAt: Number(row.connected_at),
    updatedAt: Number(row.updated_at),
  };
}

const COLUMNS = 'user_sub, provider, sealed, scopes, connected_at, updated_at';

/** Shared statements; parameters in order, each used once (SQLite binds them as `?`). */
export const CONNECTION_SQL = {
  put: `INSERT INTO connected_accounts (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (user_sub, provider) DO UPDATE SET sealed = excluded.sealed,
    scopes = excluded.scopes, connected_at = excluded.connected_at, updated_at = excluded.updated_at`,
  reseal:
    'UPDATE connected_accounts SET sealed = $1, updated_at = $2 WHERE user_sub = $3 AND provider = $4',
  find: `SELECT ${COLUMNS} FROM connected_accounts WHERE user_sub = $1 AND provider = $2`,
  ofUser: `SELECT ${COLUMNS} FROM connected_accounts WHERE user_sub = $1 ORDER BY provider`,
  remove: 'DELETE FROM connected_accounts WHERE user_sub = $1 AND provider = $2',
} as const;

export const CONNECTED_ACCOUNTS_TABLE = [
  // One row per user and provider; the tokens only as sealed text (never queried into).
  `CREATE TABLE connected_accounts (
     user_sub TEXT NOT NULL, provider TEXT NOT NULL, sealed TEXT NOT NULL, scopes TEXT NOT NULL,
     connected_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (user_sub, provider))`,
] as const;
