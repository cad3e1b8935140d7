import type { AccountStore } from '../../storage/account-store';
import type { RevocationStore } from '../../storage/revocation-store';
import { RevocationList } from '../../storage/revocation-list';
import { longestAccessTokenTtlSeconds, type TokenLifetimeSettings } from '../tokens/token-lifetime';

export interface EndedAccess {
  readonly grants: number;
  readonly sessions: number;
}

/**
 * Ends what a user (by `sub`) or a client holds at the AuthServer: each grant goes on the
 * revocation list first, so its JWT access tokens are refused at the resource servers from
 * the next request, then the grant and everything issued under it (codes, refresh tokens)
 * are deleted; a user's browser sessions go too, so the next authorization asks them to sign
 * in. The list remembers a grant until the longest access token it can have issued has expired.
 */
export async function endAccess(
  store: RevocationStore & { readonly accounts: AccountStore },
  owner: { accountId: string } | { clientId: string },
  lifetimes: TokenLifetimeSettings,
): Promise<EndedAccess> {
  const revocations = new RevocationList(store);
  const until = Math.floor(Date.now() / 1000) + longestAccessTokenTtlSeconds(lifetimes);
  const grants = await store.accounts.grantsOf(owner);
  for (const { grantId } of grants) {
    await revocations.revokeGrant(grantId, until);
    await store.accounts.deleteGrant(grantId);
  }
  const sessions =
    'accountId' in owner ? await store.accounts.deleteSessionsOf(owner.accountId) : 0;
  return { grants: grants.length, sessions };
}
