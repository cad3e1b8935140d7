import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import { SCOPE } from '../../config/protocol';
import { ACCOUNT_CLIENT_ID } from '../catalog/account-client';

/**
 * oidc-provider's `loadExistingGrant`: its default (the grant of this consent or of the
 * session), and for the account page a grant of `openid` alone without a consent screen: the
 * user is signing in to this server itself, which asks for nothing else.
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { client, session, result, provider } = ctx.oidc;
  if (!client) return undefined;
  const grantId =
    (result?.consent as { grantId?: string } | undefined)?.grantId ??
    session?.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (existing || client.clientId !== ACCOUNT_CLIENT_ID || !session?.accountId) return existing;
  const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
  grant.addOIDCScope(SCOPE.openid);
  await grant.save();
  return grant;
}
