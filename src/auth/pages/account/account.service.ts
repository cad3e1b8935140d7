import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import { SHARED_CONFIG } from '../../../config/config.module';
import type { SharedConfig } from '../../../config/config';
import { CsrfTokens } from '../csrf';
import { pageReply, type InteractionReply } from '../interaction-reply';
import { messagePage } from '../views';
import { AUTH_STORE, OIDC_PROVIDER } from '../../auth.tokens';
import type { AuthStore } from '../../../storage/store';
import { UpstreamDirectory } from '../../federation/upstream-directory';
import { ROUTES } from '../../../config/protocol';
import { UserDirectory } from '../../users/users';
import { ACCOUNT_PATH, accountSignInUrl } from '../../catalog/account-client';
import { assertSameSiteForm, parseRevokeForm } from './account-form';
import { cursorParam, parseCursor } from './account-paging';
import { signedIn } from './account-session';
import { accountPage, type LinkedIdentityView } from './account-views';
import { ConnectedApps } from './connected-apps';
import { ConnectedAccounts } from '../../connections/connected-accounts';
import { connectionsSection } from './connections-view';

/** The raw request and response oidc-provider reads its session cookie from. */
export interface AccountExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The Origin header, when the browser sent one. */
  readonly origin: string | undefined;
}

/** The account page: who is signed in, their connected apps and linked identities; revoking. */
@Injectable()
export class AccountService {
  private readonly issuer: string;
  private readonly origin: string;

  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    @Inject(SHARED_CONFIG) shared: SharedConfig,
    private readonly users: UserDirectory,
    private readonly csrf: CsrfTokens,
    private readonly apps: ConnectedApps,
    @Inject(AUTH_STORE) private readonly store: AuthStore,
    private readonly upstreams: UpstreamDirectory,
    private readonly vault: ConnectedAccounts,
  ) {
    this.issuer = shared.issuer;
    this.origin = new URL(shared.issuer).origin;
  }

  /** `before`: the page's own link to older apps (account-paging.ts); absent, the newest. */
  async show(
    { req, res }: AccountExchange,
    revoked: boolean,
    before: unknown,
  ): Promise<InteractionReply> {
    const cursor = parseCursor(before);
    const who = await signedIn(this.provider, req, res);
    if (!who) return this.signIn();
    const user = await this.users.findBySubject(who.accountId);
    if (!user) return unavailable();
    const csrf = this.csrf.issueForSession(who.sessionUid);
    const connections = await this.vault.list(who.accountId);
    const apps = await this.apps.list(who.accountId, cursor);
    const html = accountPage({
      userName: user.name ?? user.preferred_username,
      csrf,
      connections: connectionsSection(connections, csrf, `${ACCOUNT_PATH}/disconnect`),
      revokeAction: `${ACCOUNT_PATH}/revoke`,
      signOutHref: ROUTES.end_session,
      apps: apps.apps,
      paging: {
        total: apps.total,
        totalCapped: apps.totalCapped,
        newestHref: cursor && ACCOUNT_PATH,
        olderHref: apps.older && `${ACCOUNT_PATH}?before=${cursorParam(apps.older)}`,
      },
      identities: await this.identities(who.accountId),
      revoked,
    });
    return pageReply(200, html);
  }

  /** Back from the sign-in: the session cookie is set; the code is never redeemed. */
  signedIn(error: unknown): InteractionReply {
    if (error === undefined) return { kind: 'redirect', location: ACCOUNT_PATH };
    return pageReply(
      400,
      messagePage('Not signed in', 'The sign-in did not finish. Open your account to try again.'),
    );
  }

  async revoke({ req, res, origin }: AccountExchange, body: unknown): Promise<InteractionReply> {
    const form = parseRevokeForm(body);
    const who = await signedIn(this.provider, req, res);
    if (!who) return this.signIn();
    assertSameSiteForm(origin, this.origin, this.csrf.verifyForSession(who.sessionUid, form.csrf));
    const outcome = await this.apps.revoke(who.accountId, form.grantId);
    switch (outcome) {
      case 'revoked':
        return { kind: 'redirect', location: `${ACCOUNT_PATH}?revoked=1` };
      case 'not_found':
        return pageReply(
          404,
          messagePage('Nothing to revoke', 'That app has no access to your account (any more).'),
        );
    }
  }

  /** The upstream identities linked to this user; a removed upstream is named by its slug. */
  private async identities(userSub: string): Promise<LinkedIdentityView[]> {
    const links = await this.store.federation.linksOfUser(userSub);
    return Promise.all(
      links.map(async (link) => ({
        provider: (await this.upstreams.find(link.idpSlug))?.displayName ?? link.idpSlug,
        email: link.email,
        linkedAt: new Date(link.linkedAt),
        lastUsedAt: new Date(link.lastUsedAt),
      })),
    );
  }

  private signIn(): InteractionReply {
    return { kind: 'redirect', location: accountSignInUrl(this.issuer, ROUTES.authorization) };
  }
}

/** A session whose user has since been removed from the directory. */
function unavailable(): InteractionReply {
  return pageReply(403, messagePage('Account unavailable', 'This account cannot be used.'));
}
