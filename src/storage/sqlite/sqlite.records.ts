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
import type { SqliteDatabase } from './sqlite.database';
import { userFromRow, type UserRow } from '../account-rows';
import { SQLITE, SQLITE_ACCOUNTS } from './sqlite.statements';

interface RecordRow {
  payload: string;
  consumed_at: number | null;
}

/** oidc-provider's records on SQLite; consumption is a conditional UPDATE, one winner. */
export class SqliteOidcRecords implements OidcRecordStore, ConsumptionLog, AccountGrants {
  constructor(private readonly db: SqliteDatabase) {}

  upsert(model: string, id: string, payload: Record<string, unknown>, expiresIn?: number) {
    this.db
      .sql(SQLITE.upsert)
      .run(model, id, JSON.stringify(payload), ...lookupColumns(payload), expiryFrom(expiresIn));
    return Promise.resolve();
  }

  find(model: string, id: string) {
    return this.one(SQLITE.findById, model, id);
  }

  findByUid(model: string, uid: string) {
    return this.one(SQLITE.findByUid, model, uid);
  }

  findByUserCode(model: string, userCode: string) {
    return this.one(SQLITE.findByUserCode, model, userCode);
  }

  consume(model: string, id: string): Promise<boolean> {
    const now = Date.now();
    return Promise.resolve(this.db.sql(SQLITE.consume).run(now, model, id, now).changes === 1);
  }

  destroy(model: string, id: string): Promise<void> {
    this.db.sql(SQLITE.destroy).run(model, id);
    return Promise.resolve();
  }

  revokeByGrantId(model: string, grantId: string): Promise<void> {
    this.db.sql(SQLITE.revokeByGrantId).run(model, grantId);
    return Promise.resolve();
  }

  consumption(model: string, id: string): Promise<Consumption | undefined> {
    const row = this.db.sql(SQLITE.consumption).get(model, id, Date.now()) as
      { consumed_at: number; successor_id: string | null } | undefined;
    return Promise.resolve(
      row && { consumedAt: row.consumed_at, successorId: row.successor_id ?? undefined },
    );
  }

  recordSuccessor(model: string, id: string, successorId: string): Promise<boolean> {
    const result = this.db.sql(SQLITE.recordSuccessor).run(successorId, model, id);
    return Promise.resolve(result.changes === 1);
  }

  releaseConsumption(model: string, id: string, consumedAt: number): Promise<boolean> {
    const result = this.db.sql(SQLITE.releaseConsumption).run(model, id, consumedAt);
    return Promise.resolve(result.changes === 1);
  }

  /** In-process reads cost no round trip: the four reads oidc-provider would make. */
  async refreshContext(id: string): Promise<RefreshContext> {
    const token = await this.find('RefreshToken', id);
    const grantId = stringOrNull(token?.grantId);
    const uid = stringOrNull(token?.sessionUid);
    const sub = stringOrNull(token?.accountId);
    const grant = grantId === null ? undefined : await this.find('Grant', grantId);
    const session = uid === null ? undefined : await this.findByUid('Session', uid);
    const userRow =
      sub === null
        ? undefined
        : (this.db.sql(SQLITE_ACCOUNTS.findUserBySubject).get(sub) as UserRow | undefined);
    return {
      account: sub === null ? undefined : { sub, user: userRow && userFromRow(userRow) },
      token,
      grant: grant && grantId !== null ? { id: grantId, payload: grant } : undefined,
      session: session && uid !== null ? { uid, payload: session } : undefined,
    };
  }

  rotate(
    model: string,
    predecessorId: string,
    id: string,
    payload: Record<string, unknown>,
    expiresIn?: number,
  ): Promise<boolean> {
    const now = Date.now();
    const stored = this.db.transaction(() => {
      if (this.db.sql(SQLITE.rotate).run(now, id, model, predecessorId, now).changes !== 1) {
        return false;
      }
      void this.upsert(model, id, payload, expiresIn);
      return true;
    });
    return Promise.resolve(stored);
  }

  grantsOfAccount(accountId: string, query: AccountGrantsQuery): Promise<AccountGrant[]> {
    const { exceptClientId, limit, before } = query;
    const rows = (
      before
        ? this.db
            .sql(SQLITE.olderGrantsOfAccount)
            .all(
              accountId,
              exceptClientId,
              Date.now(),
              before.iat,
              before.iat,
              before.grantId,
              limit,
            )
        : this.db.sql(SQLITE.grantsOfAccount).all(accountId, exceptClientId, Date.now(), limit)
    ) as AccountGrantRow[];
    return Promise.resolve(rows.map(accountGrant));
  }

  countGrantsOfAccount(accountId: string, exceptClientId: string, upTo: number): Promise<number> {
    const row = this.db
      .sql(SQLITE.countGrantsOfAccount)
      .get(accountId, exceptClientId, Date.now(), upTo) as { n: number };
    return Promise.resolve(row.n);
  }

  private one(text: string, model: string, key: string) {
    const row = this.db.sql(text).get(model, key, Date.now()) as RecordRow | undefined;
    if (!row) return Promise.resolve(undefined);
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    return Promise.resolve(withConsumed(payload, row.consumed_at));
  }
}
