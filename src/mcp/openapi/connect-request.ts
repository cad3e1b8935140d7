import type { ProtectedApi } from '../../config/config';
import { failure, type ToolFailure } from './tool-outcome';

/**
 * The tool answer when the user has not connected the account the API needs: the link to our
 * AuthServer's connect page, where the user (signed in there) authorizes at the upstream. Only
 * a link to our own issuer: it carries no token and nothing the model could misuse, and it is
 * not pre-authenticated (MCP elicitation, "Safe URL Handling"): the connect page binds the
 * connection to whoever is signed in there, so a link forwarded to someone else connects their
 * own account to their own user, never to the caller's.
 */
export function connectRequest(api: ProtectedApi & { auth: object }, issuer: string): ToolFailure {
  const provider = (api.auth as { provider: string }).provider;
  const url = new URL(`/account/connect/${encodeURIComponent(provider)}`, issuer).href;
  const title = `${api.name} needs the user's account at ${provider}`;
  return {
    ...failure('not_connected', 403, {
      title,
      detail: `Ask the user to open ${url}, connect the account, then retry.`,
      connect_url: url,
    }),
    connect: { url, message: `${title}: connect it, then come back here.` },
  };
}
