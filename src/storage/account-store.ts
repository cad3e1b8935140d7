/**
 * What the operator manages, in the same storage as the rest (AuthStore.accounts): users,
 * the grants and sessions oidc-provider keeps for them, and the clients they use. Every
 * replica reads users from here on each sign-in, so a change takes effect everywhere at once.
 */

/** Where a user came from: development users must never count in production. */
/** `federation`: provisioned at a first sign-in through an upstream IdP; no password. */
export type UserOrigin = 'development' | 'file' | 'admin' | 'federation';

export interface NewUser {
  readonly username: string;
  readonly sub: string;
  /** hashPassword's `scrypt$…` format (src/auth/users/password.ts). */
  readonly passwordHash: string;
  /** The OpenID Connect claims the provider issues for the user (UserClaims). */
  readonly claims: Readonly<Record<string, string | boolean>>;
  readonly origin: UserOrigin;
}

export interface StoredUser extends NewUser {
  /** Epoch milliseconds; undefined while the user may sign in. */
  readonly disabledAt: number | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A grant oidc-provider stored (model `Grant`), as far as revoking it needs. */
export interface GrantRecord {
  readonly grantId: string;
  readonly accountId: string;
  readonly clientId: string;
}

export type ClientKind = 'registered' | 'metadata_document' | 'static';

export interface ClientUse {
  readonly clientId: string;
  readonly kind: ClientKind;
  readonly clientName: string | undefined;
  readonly redirectUris: readonly string[];
}

export interface ClientActivity extends ClientUse {
  /** Epoch milliseconds of the first and the latest authorization or token response. */
  readonly firstSeen: number;
  readonly lastUsed: number;
}

export interface AccountStore {
  /** False, changing nothing, when the username (case-insensitively) or the sub is taken. */
  addUser(user: NewUser): Promise<boolean>;
  /** Case-insensitive, as sign-in matches usernames. */
  findUser(username: string): Promise<StoredUser | undefined>;
  findUserBySubject(sub: string): Promise<StoredUser | undefined>;
  /** Every user, by username. */
  listUsers(): Promise<StoredUser[]>;
  /**
   * The users whose `email` claim is `email` (lower-case, compared case-insensitively), by
   * username. The database reads the claims; no index: only a first federated sign-in with
   * linkByEmail asks, and the users table is small.
   */
  findUsersByEmail(email: string): Promise<StoredUser[]>;
  /** Sets or clears `disabledAt`; false when there is no such user. */
  setUserDisabled(username: string, disabledAt: number | undefined): Promise<boolean>;
  setUserPassword(username: string, passwordHash: string): Promise<boolean>;
  removeUser(username: string): Promise<boolean>;

  /** The live grants of an account (a user's `sub`) or of a client. */
  grantsOf(owner: { accountId: string } | { clientId: string }): Promise<GrantRecord[]>;
  /**
   * Deletes the grant and every record issued under it (codes, refresh and opaque tokens),
   * of every model; returns how many rows went. JWT access tokens are not records: the
   * caller puts the grant on the revocation list first.
   */
  deleteGrant(grantId: string): Promise<number>;
  /** Deletes the account's browser sessions at the AuthServer; returns how many. */
  deleteSessionsOf(accountId: string): Promise<number>;

  /** The payloads of dynamically registered clients (model `Client`), by client_id. */
  registeredClients(): Promise<Record<string, unknown>[]>;
  /** Records that a client was used now; the first use is kept. */
  recordClientUse(use: ClientUse): Promise<void>;
  clientActivity(): Promise<ClientActivity[]>;
  /** Forgets the client's activity and, if registered, its registration; false if neither. */
  removeClient(clientId: string): Promise<boolean>;
}
