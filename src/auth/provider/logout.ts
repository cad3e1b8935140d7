import { inject } from 'light-my-request';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { logoutPage, messagePage, PAGE_HEADERS } from '../pages/views';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). oidc-provider asks the user to
 * confirm every logout; a logout that proves who asks needs no second question. When the
 * request's `id_token_hint` (already verified by oidc-provider: our signature, issued to the
 * client it names) is for the user of this session and a client signed in within it, the
 * confirmation is answered for the user, as Keycloak and Duende do (§2: the OP asks the user
 * "unless it can be sure the logout was requested by the RP"). Without such a hint the page
 * still asks: a cross-site GET must not sign anyone out.
 */
export function logoutPages() {
  return {
    enabled: true,
    logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
      if (hintMatchesSession(ctx) && (await confirmForUser(ctx))) return;
      ctx.set(PAGE_HEADERS);
      ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
    },
    postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
      ctx.set(PAGE_HEADERS);
      ctx.body = messagePage('Signed out', 'You are signed out. You can close this window.');
    },
  };
}

/** The hint names this session's user, and its client holds an authorization in the session. */
export function hintMatchesSession(ctx: KoaContextWithOIDC): boolean {
  const hint = ctx.oidc.entities.IdTokenHint?.payload;
  const client = ctx.oidc.client;
  const session = ctx.oidc.session;
  if (!hint || !client || !session?.accountId) return false;
  if (hint.sub !== session.accountId) return false;
  if (!session.authorizations?.[client.clientId]) return false;
  // An ID token that carries a session id must be from this session (OIDC Front-Channel Logout §3).
  return hint.sid === undefined || hint.sid === session.sidFor(client.clientId);
}

/**
 * Posts the confirmation form ("Yes, sign me out") to oidc-provider in-process, with the user's
 * own cookies, and answers the user's request with its outcome (the redirect to the
 * post-logout URI and the cleared session cookie). oidc-provider thereby keeps doing the
 * logout itself: the xsrf check, ending the session's grants, the redirect rules. False when
 * it refused, so the caller falls back to asking.
 */
async function confirmForUser(ctx: KoaContextWithOIDC): Promise<boolean> {
  const session = ctx.oidc.session!;
  const secret = session.state?.secret;
  if (typeof secret !== 'string') return false;
  // The confirmation reads the xsrf secret and the RP's details from the stored session.
  await session.persist();
  const confirm = new URL(ctx.oidc.urlFor('end_session_confirm'));
  const handle = ctx.oidc.provider.callback();
  const answer = await inject((req, res) => void handle(req, res), {
    method: 'POST',
    url: confirm.pathname,
    headers: {
      ...forwardedHeaders(ctx),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ xsrf: secret, logout: 'yes' }).toString(),
  });
  const location = answer.headers.location;
  if (answer.statusCode !== 303 || typeof location !== 'string') return false;
  // The stored session is gone; this keeps the GET's own ending from saving it again.
  await session.destroy();
  ctx.status = 303;
  ctx.redirect(location);
  const cookies = answer.headers['set-cookie'];
  if (cookies !== undefined) ctx.append('set-cookie', [cookies].flat().map(String));
  return true;
}

/** What oidc-provider reads to find the session and build URLs, copied from the user's request. */
function forwardedHeaders(ctx: KoaContextWithOIDC): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['host', 'cookie', 'x-forwarded-proto', 'x-forwarded-host']) {
    const value = ctx.get(name);
    if (value) headers[name] = value;
  }
  return headers;
}
