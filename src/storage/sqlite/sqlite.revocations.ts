import type { Revocation, RevocationListener, RevocationWatch } from '../revocation-events';
import type { RevocationSource, RevocationStore } from '../revocation-store';
import type { SqliteDatabase } from './sqlite.database';
import { SQLITE } from './sqlite.statements';

/** Another process's revocation reaches this one's resource servers within this (< 1 s). */
const SQLITE_CATCH_UP_MS = 300;

/** The revocation list on SQLite; this process's own writes are told to its watchers at once. */
export class SqliteRevocations implements RevocationStore, RevocationSource {
  private readonly listeners = new Set<RevocationListener>();

  constructor(private readonly db: SqliteDatabase) {}

  revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    this.db.sql(SQLITE.revokeAccessToken).run(jti, expiresAt);
    this.tell({ kind: 'token', id: jti, expiresAt });
    return Promise.resolve();
  }

  revokeGrant(grantId: string, expiresAt: number): Promise<void> {
    this.db.sql(SQLITE.revokeGrant).run(grantId, expiresAt);
    this.tell({ kind: 'grant', id: grantId, expiresAt });
    return Promise.resolve();
  }

  isRevoked(jti: string, grantId: string | undefined): Promise<boolean> {
    const now = Date.now();
    // A grant id never equals '' in oidc-provider, so '' matches no grant.
    const row = this.db.sql(SQLITE.isRevoked).get(jti, now, grantId ?? '', now);
    return Promise.resolve(row !== undefined);
  }

  liveRevocations(): Promise<Revocation[]> {
    const now = Date.now();
    const rows = this.db.sql(SQLITE.liveRevocations).all(now, now) as {
      kind: Revocation['kind'];
      id: string;
      expires_at: number;
    }[];
    return Promise.resolve(rows.map((r) => ({ kind: r.kind, id: r.id, expiresAt: r.expires_at })));
  }

  /**
   * In this process every write is told at once; another process sharing the file is only seen
   * by reading the list again, hence the short catch-up period.
   */
  watchRevocations(listener: RevocationListener): Promise<RevocationWatch> {
    this.listeners.add(listener);
    return Promise.resolve({
      confirmedAt: () => Date.now(),
      catchUpEveryMs: SQLITE_CATCH_UP_MS,
      close: () => {
        this.listeners.delete(listener);
        return Promise.resolve();
      },
    });
  }

  private tell(revocation: Revocation): void {
    for (const listener of this.listeners) listener.revoked(revocation);
  }
}
