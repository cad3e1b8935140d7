import {
  clientActivityFromRow,
  grantFrom,
  usernameKey,
  userFromRow,
  type ClientActivityRow,
  type UserRow,
} from '../account-rows';
import type {
  AccountStore,
  ClientActivity,
  ClientUse,
  GrantRecord,
  NewUser,
  StoredUser,
} from '../account-store';
import type { SqliteDatabase } from './sqlite.database';
import { SQLITE_ACCOUNTS as SQL } from './sqlite.statements';

/** The operator's data on SQLite. */
export class SqliteAccountStore implements AccountStore {
  constructor(private readonly db: SqliteDatabase) {}

  addUser(user: NewUser): Promise<boolean> {
    const now = Date.now();
    const { changes } = this.db
      .sql(SQL.addUser)
      .run(
        usernameKey(user.username),
        user.username,
        user.sub,
        user.passwordHash,
        JSON.stringify(user.claims),
        user.origin,
        now,
        now,
      );
    return Promise.resolve(changes === 1);
  }

  findUser(username: string): Promise<StoredUser | undefined> {
    return Promise.resolve(this.user(SQL.findUser, usernameKey(username)));
  }

  findUserBySubject(sub: string): Promise<StoredUser | undefined> {
    return Promise.resolve(this.user(SQL.findUserBySubject, sub));
  }

  listUsers(): Promise<StoredUser[]> {
    const rows = this.db.sql(SQL.listUsers).all() as UserRow[];
    return Promise.resolve(rows.map(userFromRow));
  }

  findUsersByEmail(email: string): Promise<StoredUser[]> {
    const rows = this.db.sql(SQL.findUsersByEmail).all(email.toLowerCase()) as UserRow[];
    return Promise.resolve(rows.map(userFromRow));
  }

  setUserDisabled(username: string, disabledAt: number | undefined): Promise<boolean> {
    const result = this.db
      .sql(SQL.setUserDisabled)
      .run(disabledAt ?? null, Date.now(), usernameKey(username));
    return Promise.resolve(result.changes === 1);
  }

  setUserPassword(username: string, passwordHash: string): Promise<boolean> {
    const result = this.db
      .sql(SQL.setUserPassword)
      .run(passwordHash, Date.now(), usernameKey(username));
    return Promise.resolve(result.changes === 1);
  }

  removeUser(username: string): Promise<boolean> {
    return Promise.resolve(this.db.sql(SQL.removeUser).run(usernameKey(username)).changes === 1);
  }

  grantsOf(owner: { accountId: string } | { clientId: string }): Promise<GrantRecord[]> {
    const rows = (
      'accountId' in owner
        ? this.db.sql(SQL.grantsOfAccount).all(owner.accountId, Date.now())
        : this.db.sql(SQL.grantsOfClient).all(owner.clientId, Date.now())
    ) as { id: string; payload: string }[];
    return Promise.resolve(
      rows.map((row) => grantFrom(row.id, JSON.parse(row.payload) as Record<string, unknown>)),
    );
  }

  deleteGrant(grantId: string): Promise<number> {
    return Promise.resolve(this.db.sql(SQL.deleteGrant).run(grantId, grantId).changes);
  }

  deleteSessionsOf(accountId: string): Promise<number> {
    return Promise.resolve(this.db.sql(SQL.deleteSessionsOf).run(accountId).changes);
  }

  registeredClients(): Promise<Record<string, unknown>[]> {
    const rows = this.db.sql(SQL.registeredClients).all() as { payload: string }[];
    return Promise.resolve(rows.map((row) => JSON.parse(row.payload) as Record<string, unknown>));
  }

  recordClientUse(use: ClientUse): Promise<void> {
    const now = Date.now();
    this.db
      .sql(SQL.recordClientUse)
      .run(
        use.clientId,
        use.kind,
        use.clientName ?? null,
        JSON.stringify(use.redirectUris),
        now,
        now,
      );
    return Promise.resolve();
  }

  clientActivity(): Promise<ClientActivity[]> {
    const rows = this.db.sql(SQL.clientActivity).all() as ClientActivityRow[];
    return Promise.resolve(rows.map(clientActivityFromRow));
  }

  removeClient(clientId: string): Promise<boolean> {
    const removed = this.db.transaction(
      () =>
        this.db.sql(SQL.forgetClientActivity).run(clientId).changes +
        this.db.sql(SQL.deleteRegisteredClient).run(clientId).changes,
    );
    return Promise.resolve(removed > 0);
  }

  private user(text: string, key: string): StoredUser | undefined {
    const row = this.db.sql(text).get(key) as UserRow | undefined;
    return row && userFromRow(row);
  }
}
