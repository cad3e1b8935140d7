/**
 * The operator's trust configuration: which machine clients exist beyond the configured ones,
 * which workload issuers may federate (SEP-1933), which identity providers' ID-JAGs we accept
 * and for which other authorization servers we issue them (SEP-990). One table of typed JSON documents, keyed
 * by kind and id, so a new kind needs no migration; each reader validates its documents (a document it cannot read is ignored).
 */
export type TrustKind = 'machine_client' | 'workload_issuer' | 'idjag_issuer' | 'idjag_audience';

export interface TrustEntry {
  readonly id: string;
  readonly document: unknown;
  /** Epoch milliseconds it was added. */
  readonly createdAt: number;
}

export interface TrustStore {
  /** Adds the entry unless one with this kind and id exists; true when it was added. */
  add(kind: TrustKind, id: string, document: unknown): Promise<boolean>;
  /** Replaces the entry or adds it (imports); true when it was new. */
  put(kind: TrustKind, id: string, document: unknown): Promise<boolean>;
  find(kind: TrustKind, id: string): Promise<TrustEntry | undefined>;
  list(kind: TrustKind): Promise<TrustEntry[]>;
  /** True when there was such an entry. */
  remove(kind: TrustKind, id: string): Promise<boolean>;
}

/** A row of trust_entries, on either engine (SQLite keeps the document as text). */
export interface TrustRow {
  id: string;
  document: string | Record<string, unknown>;
  created_at: number | string;
}

export function trustEntry(row: TrustRow): TrustEntry {
  return {
    id: row.id,
    document:
      typeof row.document === 'string' ? (JSON.parse(row.document) as unknown) : row.document,
    createdAt: Number(row.created_at),
  };
}

/** The statements, in the one dialect both engines share but for placeholders. */
export const TRUST_SQL = {
  add: `INSERT INTO trust_entries (kind, id, document, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (kind, id) DO NOTHING`,
  put: `INSERT INTO trust_entries (kind, id, document, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (kind, id) DO UPDATE SET document = excluded.document`,
  find: 'SELECT id, document, created_at FROM trust_entries WHERE kind = $1 AND id = $2',
  list: 'SELECT id, document, created_at FROM trust_entries WHERE kind = $1 ORDER BY id',
  remove: 'DELETE FROM trust_entries WHERE kind = $1 AND id = $2',
} as const;

/** SQLite's placeholders: each `$n` appears once, in order, so plain `?` binds alike. */
export function sqliteTrustSql(text: string): string {
  return text.replace(/\$\d/g, '?');
}
