import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';

/** Who the browser is signed in as at this server, and the session that says so. */
export interface SignedIn {
  readonly accountId: string;
  /** Stable for the life of the session (the cookie's id rotates): what form tokens bind to. */
  readonly sessionUid: string;
}

/**
 * Reads oidc-provider's own session cookie outside its routes: the same session the
 * authorization endpoint sees, so the account page is behind exactly the same sign-in. A
 * missing, expired or unsigned cookie reads as a session without an account.
 */
export async function signedIn(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<SignedIn | undefined> {
  const session = await provider.Session.get(provider.createContext(req, res));
  if (!session.accountId) return undefined;
  return { accountId: session.accountId, sessionUid: session.uid };
}
