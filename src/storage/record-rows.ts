import type { AccountGrant } from './oidc-records';

/** Both engines keep oidc-provider's expiry as epoch milliseconds, or NULL for none. */
export function expiryFrom(expiresInSeconds: number | undefined, now = Date.now()): number | null {
  return expiresInSeconds ? now + expiresInSeconds * 1000 : null;
}

/** oidc-provider reads `consumed` as epoch seconds; the store keeps milliseconds. */
export function withConsumed(
  payload: Record<string, unknown>,
  consumedAt: number | string | null,
): Record<string, unknown> {
  if (consumedAt === null) return payload;
  return { ...payload, consumed: Math.floor(Number(consumedAt) / 1000) };
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The payload members oidc-provider finds records by (grant, interaction, user code), in the
 * order of the upsert statements' columns, on either engine.
 */
export function lookupColumns(
  payload: Record<string, unknown>,
): [grantId: string | null, uid: string | null, userCode: string | null] {
  return [stringOrNull(payload.grantId), stringOrNull(payload.uid), stringOrNull(payload.userCode)];
}

/** A row of the grantsOfAccount statement, on either engine. */
export interface AccountGrantRow {
  id: string;
  payload: string | Record<string, unknown>;
  last_used_at: number | string | null;
}

export function accountGrant(row: AccountGrantRow): AccountGrant {
  const lastUsed = row.last_used_at === null ? 0 : Number(row.last_used_at);
  return {
    grantId: row.id,
    payload:
      typeof row.payload === 'string'
        ? (JSON.parse(row.payload) as Record<string, unknown>)
        : row.payload,
    lastUsedAt: lastUsed > 0 ? lastUsed : undefined,
  };
}
