import type { Provider } from 'oidc-provider';
import { ConfiguredClients } from '../catalog/clients';

/**
 * RFC 9700 §4.11.2: an authorization server should redirect errors only to URIs it trusts.
 * Anyone can register a redirect URI (or publish a metadata document naming one), so for those
 * clients an error raised before the user has acted (missing PKCE, `prompt=none`, a bad scope)
 * is shown on our own error page instead of sending the browser to the client. Errors after the
 * user has been at our pages (they cancelled) still go back to the client, which waits for them.
 *
 * oidc-provider emits `authorization.error` before it decides between redirecting and rendering;
 * clearing `allow_redirect` on the error selects its `renderError` page.
 */
export function renderErrorsOfUnverifiedClients(
  provider: Provider,
  configured: ConfiguredClients,
): void {
  provider.on('authorization.error', (ctx, error) => {
    const client = ctx.oidc?.client;
    if (ctx.oidc?.route !== 'authorization' || !client) return;
    if (!configured.has(client.clientId)) error.allow_redirect = false;
  });
}
