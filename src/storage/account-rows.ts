import type {
  ClientActivity,
  ClientKind,
  GrantRecord,
  StoredUser,
  UserOrigin,
} from './account-store';

/** BIGINT columns arrive from PostgreSQL as strings; SQLite gives numbers. */
type Epoch = number | string;

export interface UserRow {
  username: string;
  sub: string;
  password_hash: string;
  claims: string;
  origin: string;
  disabled_at: Epoch | null;
  created_at: Epoch;
  updated_at: Epoch;
}

export interface ClientActivityRow {
  client_id: string;
  kind: string;
  client_name: string | null;
  redirect_uris: string;
  first_seen: Epoch;
  last_used: Epoch;
}

/** Both engines store the same text, so one mapping reads either. */
export function userFromRow(row: UserRow): StoredUser {
  return {
    username: row.username,
    sub: row.sub,
    passwordHash: row.password_hash,
    claims: JSON.parse(row.claims) as Record<string, string | boolean>,
    origin: row.origin as UserOrigin,
    disabledAt: row.disabled_at === null ? undefined : Number(row.disabled_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function clientActivityFromRow(row: ClientActivityRow): ClientActivity {
  return {
    clientId: row.client_id,
    kind: row.kind as ClientKind,
    clientName: row.client_name ?? undefined,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    firstSeen: Number(row.first_seen),
    lastUsed: Number(row.last_used),
  };
}

/** The lookup key of a username: sign-in matches usernames case-insensitively. */
export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}

/** oidc-provider's Grant payload names its account and client. */
export function grantFrom(grantId: string, payload: Record<string, unknown>): GrantRecord {
  return {
    grantId,
    accountId: String(payload.accountId),
    clientId: String(payload.clientId),
  };
}
