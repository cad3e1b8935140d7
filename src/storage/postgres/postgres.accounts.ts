import type { Pool } from 'pg';
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
import { POSTGRES_ACCOUNTS as SQL, type Statement } from './postgres.statements';

/** The operator's data on PostgreSQL, over the store's pool. */
export class PostgresAccountStore implements AccountStore {
  constructor(private readonly pool: Pool) {}

  async addUser(user: NewUser): Promise<boolean> {
    const result = await this.pool.query(SQL.addUser, [
      usernameKey(user.username),
      user.username,
      user.sub,
      user.passwordHash,
      JSON.stringify(user.claims),
      user.origin,
      Date.now(),
    ]);
    return result.rowCount === 1;
  }

  findUser(username: string): Promise<StoredUser | undefined> {
    return this.user(SQL.findUser, usernameKey(username));
  }

  findUserBySubject(sub: string): Promise<StoredUser | undefined> {
    return this.user(SQL.findUserBySubject, sub);
  }

  async listUsers(): Promise<StoredUser[]> {
    const result = await this.pool.query<UserRow>(SQL.listUsers);
    return result.rows.map(userFromRow);
  }

  async findUsersByEmail(email: string): Promise<StoredUser[]> {
    const result = await this.pool.query<UserRow>(SQL.findUsersByEmail, [email.toLowerCase()]);
    return result.rows.map(userFromRow);
  }

  async setUserDisabled(username: string, disabledAt: number | undefined): Promise<boolean> {
    const result = await this.pool.query(SQL.setUserDisabled, [
      usernameKey(username),
      disabledAt ?? null,
      Date.now(),
    ]);
    return result.rowCount === 1;
  }

  async setUserPassword(username: string, passwordHash: string): Promise<boolean> {
    const result = await this.pool.query(SQL.setUserPassword, [
      usernameKey(username),
      passwordHash,
      Date.now(),
    ]);
    return result.rowCount === 1;
  }

  async removeUser(username: string): Promise<boolean> {
    const result = await this.pool.query(SQL.removeUser, [usernameKey(username)]);
    return result.rowCount === 1;
  }

  async grantsOf(owner: { accountId: string } | { clientId: string }): Promise<GrantRecord[]> {
    const [text, key] =
      'accountId' in owner
        ? [SQL.grantsOfAccount, owner.accountId]
        : [SQL.grantsOfClient, owner.clientId];
    const result = await this.pool.query<{ id: string; payload: Record<string, unknown> }>(text, [
      key,
      Date.now(),
    ]);
    return result.rows.map((row) => grantFrom(row.id, row.payload));
  }

  async deleteGrant(grantId: string): Promise<number> {
    return (await this.pool.query(SQL.deleteGrant, [grantId])).rowCount ?? 0;
  }

  async deleteSessionsOf(accountId: string): Promise<number> {
    return (await this.pool.query(SQL.deleteSessionsOf, [accountId])).rowCount ?? 0;
  }

  async registeredClients(): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query<{ payload: Record<string, unknown> }>(
      SQL.registeredClients,
    );
    return result.rows.map((row) => row.payload);
  }

  async recordClientUse(use: ClientUse): Promise<void> {
    await this.pool.query(SQL.recordClientUse, [
      use.clientId,
      use.kind,
      use.clientName ?? null,
      JSON.stringify(use.redirectUris),
      Date.now(),
    ]);
  }

  async clientActivity(): Promise<ClientActivity[]> {
    const result = await this.pool.query<ClientActivityRow>(SQL.clientActivity);
    return result.rows.map(clientActivityFromRow);
  }

  async removeClient(clientId: string): Promise<boolean> {
    const result = await this.pool.query<{ removed: string }>(SQL.removeClient, [clientId]);
    return Number(result.rows[0]?.removed ?? 0) > 0;
  }

  private async user(statement: Statement, key: string): Promise<StoredUser | undefined> {
    const result = await this.pool.query<UserRow>(statement, [key]);
    const row = result.rows[0];
    return row && userFromRow(row);
  }
}
