import type { ClientView } from './views';

/**
 * How the server knows a client: `configured` clients are in the server's own configuration
 * (provider/clients.ts, static in oidc-provider); `metadata_document` clients are named by an
 * https URL whose document oidc-provider fetches (Client ID Metadata Documents); every other
 * client registered itself at /connect/register (RFC 7591), which assigns opaque ids.
 */
export type ClientKind = 'configured' | 'registered' | 'metadata_document';

export function clientKind(clientId: string, configured: ReadonlySet<string>): ClientKind {
  if (configured.has(clientId)) return 'configured';
  if (clientId.startsWith('https://') && URL.canParse(clientId)) return 'metadata_document';
  return 'registered';
}

/** The host a redirect URI sends the browser to; a native app's custom scheme has none. */
export function redirectTarget(redirectUri: string): string {
  const url = URL.parse(redirectUri);
  if (!url) return redirectUri;
  return url.host || `${url.protocol}/${url.pathname.replace(/^\/+/, '')}`;
}

export interface ClientFacts {
  readonly clientId: string;
  readonly clientName?: string | undefined;
  readonly redirectUri: string;
}

/**
 * What the login and consent pages say about the client. A configured client is shown by its
 * name; any other picked its own (RFC 7591 §5: client metadata is self-asserted), so the page
 * also names where it sends the user and marks it unverified.
 */
export function clientView(facts: ClientFacts, configured: ReadonlySet<string>): ClientView {
  const kind = clientKind(facts.clientId, configured);
  const metadataHost = kind === 'metadata_document' ? URL.parse(facts.clientId)?.host : undefined;
  const name = facts.clientName ?? metadataHost ?? facts.clientId;
  switch (kind) {
    case 'configured':
      return { name };
    case 'registered':
      return { name, unverified: { redirectHost: redirectTarget(facts.redirectUri) } };
    case 'metadata_document':
      return {
        name,
        unverified: {
          redirectHost: redirectTarget(facts.redirectUri),
          ...(metadataHost ? { metadataHost } : {}),
        },
      };
  }
}
