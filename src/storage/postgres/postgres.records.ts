import type { Pool } from 'pg';
import type {
  AccountGrant,
  AccountGrants,
  AccountGrantsQuery,
  Consumption,
  ConsumptionLog,
  OidcRecordStore,
  RefreshContext,
} from '../oidc-records';
import {
  accountGrant,
  expiryFrom,
  lookupColumns,
  stringOrNull,
  withConsumed,
  type AccountGrantRow,
} from '../record-rows';
import { userFromRow, type UserRow } from '../account-rows';
import { POSTGRES, type Bigint, type Statement } from './postgres.statements';

type Payload = Record<string, unknown>;
interface RefreshContextRow {
  payload: Payload;
  consumed_at: Bigint | null;
  grant_payload: Payload | null;
  grant_consumed_at: Bigint | null;
  session_payload: Payload | null;
  session_consumed_at: Bigint | null;
  user_row: UserRow | null;
}

/** oidc-provider's records on PostgreSQL; consumption is a conditional UPDATE, one winner. */
export class PostgresOidcRecords implements OidcRecordStore, ConsumptionLog, AccountGrants {
  constructor(private readonly pool: Pool) {}

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresIn?: number) {
    await this.pool.query(POSTGRES.upsert, [
      model,
      id,
      payload,
      ...lookupColumns(payload),
      expiryFrom(expiresIn),
    ]);
  }

  find(model: string, id: string) {
    return this.one(POSTGRES.findById, model, id);
  }

  findByUid(model: string, uid: string) {
    return this.one(POSTGRES.findByUid, model, uid);
  }

  findByUserCode(model: string, userCode: string) {
    return this.one(POSTGRES.findByUserCode, model, userCode);
  }

  async consume(model: string, id: string): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.consume, [model, id, Date.now()]);
    return result.rowCount === 1;
  }

  async destroy(model: string, id: string) {
    await this.pool.query(POSTGRES.destroy, [model, id]);
  }

  async revokeByGrantId(model: string, grantId: string) {
    await this.pool.query(POSTGRES.revokeByGrantId, [model, grantId]);
  }

  async consumption(model: string, id: string): Promise<Consumption | undefined> {
    const result = await this.pool.query<{ consumed_at: Bigint; successor_id: string | null }>(
      POSTGRES.consumption,
      [model, id, Date.now()],
    );
    const row = result.rows[0];
    return (
      row && { consumedAt: Number(row.consumed_at), successorId: row.successor_id ?? undefined }
    );
  }

  async recordSuccessor(model: string, id: string, successorId: string): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.recordSuccessor, [model, id, successorId]);
    return result.rowCount === 1;
  }

  async releaseConsumption(model: string, id: string, consumedAt: number): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.releaseConsumption, [model, id, consumedAt]);
    return result.rowCount === 1;
  }

  async refreshContext(id: string): Promise<RefreshContext> {
    const result = await this.pool.query<RefreshContextRow>(POSTGRES.refreshContext, [
      id,
      Date.now(),
    ]);
    const row = result.rows[0];
    if (!row) return { token: undefined, grant: undefined, session: undefined, account: undefined };
    const token = withConsumed(row.payload, row.consumed_at);
    const grantId = stringOrNull(token.grantId);
    const uid = stringOrNull(token.sessionUid);
    const sub = stringOrNull(token.accountId);
    return {
      account:
        sub === null
          ? undefined
          : { sub, user: row.user_row ? userFromRow(row.user_row) : undefined },
      token,
      grant:
        row.grant_payload && grantId !== null
          ? { id: grantId, payload: withConsumed(row.grant_payload, row.grant_consumed_at) }
          : undefined,
      session:
        row.session_payload && uid !== null
          ? { uid, payload: withConsumed(row.session_payload, row.session_consumed_at) }
          : undefined,
    };
  }

  async rotate(
    model: string,
    predecessorId: string,
    id: string,
    payload: Record<string, unknown>,
    expiresIn?: number,
  ): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.rotate, [
      model,
      id,
      payload,
      ...lookupColumns(payload),
      expiryFrom(expiresIn),
      predecessorId,
      Date.now(),
    ]);
    return result.rowCount === 1;
  }

  async grantsOfAccount(accountId: string, query: AccountGrantsQuery): Promise<AccountGrant[]> {
    const { exceptClientId, limit, before } = query;
    const now = Date.now();
    const { rows } = before
      ? await this.pool.query<AccountGrantRow>(POSTGRES.olderGrantsOfAccount, [
          accountId,
          exceptClientId,
          now,
          limit,
          JSON.stringify(before.iat),
          before.grantId,
        ])
      : await this.pool.query<AccountGrantRow>(POSTGRES.grantsOfAccount, [
          accountId,
          exceptClientId,
          now,
          limit,
        ]);
    return rows.map(accountGrant);
  }

  async countGrantsOfAccount(accountId: string, exceptClientId: string, upTo: number) {
    const { rows } = await this.pool.query<{ n: number }>(POSTGRES.countGrantsOfAccount, [
      accountId,
      exceptClientId,
      Date.now(),
      upTo,
    ]);
    return rows[0]!.n;
  }

  private async one(sql: Statement, model: string, key: string) {
    const result = await this.pool.query<{
      payload: Record<string, unknown>;
      consumed_at: Bigint | null;
    }>(sql, [model, key, Date.now()]);
    const row = result.rows[0];
    return row && withConsumed(row.payload, row.consumed_at);
  }
}
