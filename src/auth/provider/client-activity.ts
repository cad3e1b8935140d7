import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { AccountStore, ClientKind } from '../../storage/account-store';

/** Per process, at most one write per client in this many milliseconds. */
const RECORD_EVERY_MS = 60_000;

/**
 * Records when registered and Client ID Metadata Document clients are used (authorization
 * and token responses), for `npm run admin -- clients list`. The seed clients are configured
 * in code and left out. Recording never fails a response: a failed write is reported.
 */
export function recordClientActivity(
  provider: Provider,
  accounts: AccountStore,
  seedClientIds: readonly string[],
  onError: (error: unknown) => void,
  /**
   * Clients remembered per process before the memory starts afresh (CLIENT_ACTIVITY_MAX):
   * Client ID Metadata Document ids are unbounded.
   */
  maxRemembered: number,
): void {
  const recorded = new Map<string, number>();
  const record = (ctx: KoaContextWithOIDC) => {
    const client = ctx.oidc.client;
    if (!client || seedClientIds.includes(client.clientId)) return;
    const now = Date.now();
    if (now - (recorded.get(client.clientId) ?? 0) < RECORD_EVERY_MS) return;
    if (recorded.size >= maxRemembered) recorded.clear();
    recorded.set(client.clientId, now);
    accounts
      .recordClientUse({
        clientId: client.clientId,
        kind: kindOf(client.clientId),
        clientName: client.clientName,
        redirectUris: client.redirectUris ?? [],
      })
      .catch(onError);
  };
  provider.on('authorization.success', record);
  provider.on('grant.success', record);
}

/** A client_id that is an https URL names its own metadata document (CIMD). */
function kindOf(clientId: string): ClientKind {
  return clientId.startsWith('https://') ? 'metadata_document' : 'registered';
}
