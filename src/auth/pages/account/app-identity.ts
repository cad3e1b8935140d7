import { clientKind, redirectTarget } from '../client-view';
import type { ConnectedAppView } from './account-views';

/** What the server holds about a client, when it still finds it. */
export interface ClientFacts {
  readonly clientName?: string | undefined;
  readonly redirectUris?: readonly string[] | undefined;
}

/**
 * How the account page names an app, told apart as the login page does (client-view.ts): a
 * configured client by its name; any other named itself, so the page marks it unverified and
 * says where it sends the browser (and, for a metadata-document client, where it lives).
 */
export function appIdentity(
  clientId: string,
  client: ClientFacts | undefined,
  configured: ReadonlySet<string>,
): Pick<ConnectedAppView, 'name' | 'unverified'> {
  const kind = clientKind(clientId, configured);
  const metadataHost = kind === 'metadata_document' ? URL.parse(clientId)?.host : undefined;
  const name = client?.clientName ?? metadataHost ?? clientId;
  switch (kind) {
    case 'configured':
      return { name };
    case 'registered':
    case 'metadata_document': {
      const redirectHosts = [...new Set((client?.redirectUris ?? []).map(redirectTarget))];
      return { name, unverified: { redirectHosts, ...(metadataHost ? { metadataHost } : {}) } };
    }
  }
}

/** Identity scopes only: a resource's scopes are listed under that resource. */
export function identityScopes(
  oidcScopes: readonly string[],
  resources: readonly { scopes: readonly string[] }[],
): string[] {
  const atResources = new Set(resources.flatMap((r) => r.scopes));
  return oidcScopes.filter((scope) => !atResources.has(scope));
}
