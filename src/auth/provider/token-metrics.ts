import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { Metrics } from '../../core/metrics/metrics';
import { clientKind } from '../pages/client-view';

/**
 * Counts every successful token endpoint grant (authorization code, refresh, client
 * credentials, token exchange) by grant type and client kind. oidc-provider emits
 * `grant.success` once the grant's handler has issued its tokens; the grant type is one the
 * provider knows (it rejected any other before), and only configured clients are named, since
 * any other client picked its own id.
 */
export function countIssuedTokens(
  provider: Provider,
  metrics: Metrics,
  configuredClients: ReadonlySet<string>,
): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grantType = ctx.oidc.params?.grant_type;
    const clientId = ctx.oidc.client?.clientId;
    if (typeof grantType !== 'string' || clientId === undefined) return;
    const kind = clientKind(clientId, configuredClients);
    metrics.tokenIssued(grantType, kind, kind === 'configured' ? clientId : undefined);
  });
}
