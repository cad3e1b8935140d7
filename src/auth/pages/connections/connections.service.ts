import type { Logger } from 'pino';
import type { Provider } from 'oidc-provider';
import type { ProtectedApi } from '../../../config/config';
import type { AuditLog } from '../../audit/audit-log';
import { ROUTES } from '../../../config/protocol';
import type { ConsumptionLog, OidcRecordStore } from '../../../storage/oidc-records';
import { ACCOUNT_PATH, accountSignInUrl } from '../../catalog/account-client';
import type { ConnectClient } from '../../connections/connect-client';
import type { ConnectedAccounts } from '../../connections/connected-accounts';
import { ConnectionError } from '../../connections/connection.error';
import { assertSameSiteForm } from '../account/account-form';
import { signedIn } from '../account/account-session';
import type { AccountExchange } from '../account/account.service';
import type { CsrfTokens } from '../csrf';
import { textField } from '../interaction-forms';
import { InteractionError } from '../interaction.errors';
import { pageReply, type InteractionReply } from '../interaction-reply';
import { messagePage } from '../views';

export const CONNECT_PATH = `${ACCOUNT_PATH}/connect`;
export const CONNECT_CALLBACK_PATH = `${ACCOUNT_PATH}/connect-callback`;
const PENDING = 'ConnectState';
/** The user has this long at the upstream before the state expires. */
const PENDING_TTL_SECONDS = 600;

interface PendingConnect {
  readonly provider: string;
  readonly codeVerifier: string;
  readonly accountId: string;
  /** The session that started: the callback must come back to it (RFC 9700 §4.7, CSRF). */
  readonly sessionUid: string;
}

/**
 * Connecting an account at a third-party authorization server: the authorization code flow
 * with PKCE and state, started and finished by a user signed in here, the state kept
 * server-side and single-use (any replica), bound to the session that started it.
 */
export class ConnectionsService {
  private readonly origin: string;

  constructor(
    private readonly provider: Provider,
    private readonly records: OidcRecordStore & ConsumptionLog,
    private readonly vault: ConnectedAccounts,
    private readonly client: ConnectClient,
    private readonly csrf: CsrfTokens,
    private readonly apis: readonly ProtectedApi[],
    private readonly issuer: string,
    private readonly logger: Logger,
    private readonly audit: AuditLog,
  ) {
    this.origin = new URL(issuer).origin;
  }

  async start({ req, res }: AccountExchange, provider: string): Promise<InteractionReply> {
    const scopes = this.scopesOf(provider);
    if (!scopes) return pageReply(404, messagePage('Unknown service', 'Nothing to connect here.'));
    const who = await signedIn(this.provider, req, res);
    if (!who)
      return { kind: 'redirect', location: accountSignInUrl(this.issuer, ROUTES.authorization) };
    try {
      const started = await this.client.start(await this.vault.idp(provider), scopes);
      const pending: PendingConnect = {
        provider,
        codeVerifier: started.codeVerifier,
        accountId: who.accountId,
        sessionUid: who.sessionUid,
      };
      await this.records.upsert(PENDING, started.state, { ...pending }, PENDING_TTL_SECONDS);
      return { kind: 'redirect', location: started.url };
    } catch (error) {
      return this.failed(error, provider);
    }
  }

  async finish({ req, res }: AccountExchange, url: string): Promise<InteractionReply> {
    const callback = new URL(url, this.issuer);
    const state = callback.searchParams.get('state') ?? '';
    const pending = state.length <= 128 ? await this.takePending(state) : undefined;
    const who = await signedIn(this.provider, req, res);
    if (!pending || !who || who.sessionUid !== pending.sessionUid) {
      return pageReply(
        400,
        messagePage('Not connected', 'This answer does not belong to this browser. Try again.'),
      );
    }
    try {
      const idp = await this.vault.idp(pending.provider);
      const tokens = await this.client.finish(idp, callback, state, pending.codeVerifier);
      await this.vault.save(pending.accountId, pending.provider, tokens);
      this.audit.connectionConnected({ subject: pending.accountId, provider: pending.provider });
      return { kind: 'redirect', location: `${ACCOUNT_PATH}?connected=1` };
    } catch (error) {
      return this.failed(error, pending.provider);
    }
  }

  async disconnect(
    { req, res, origin }: AccountExchange,
    body: unknown,
  ): Promise<InteractionReply> {
    const provider = textField(body, 'provider', 64);
    if (!provider) throw new InteractionError('invalid_form', 'The form names no connection.');
    const who = await signedIn(this.provider, req, res);
    if (!who)
      return { kind: 'redirect', location: accountSignInUrl(this.issuer, ROUTES.authorization) };
    const csrf = this.csrf.verifyForSession(who.sessionUid, textField(body, 'csrf', 128));
    assertSameSiteForm(origin, this.origin, csrf);
    if (await this.vault.disconnect(who.accountId, provider)) {
      this.audit.connectionDisconnected({ subject: who.accountId, provider });
    }
    return { kind: 'redirect', location: `${ACCOUNT_PATH}?disconnected=1` };
  }

  /** Only upstreams an API names in `auth` can be connected, for the scopes those APIs need. */
  private scopesOf(provider: string): string[] | undefined {
    const scopes = this.apis.flatMap((a) => (a.auth?.provider === provider ? a.auth.scopes : []));
    return scopes.length ? [...new Set(scopes)] : undefined;
  }

  private async takePending(state: string): Promise<PendingConnect | undefined> {
    if (!state || !(await this.records.consume(PENDING, state))) return undefined;
    const record = await this.records.find(PENDING, state);
    return record && (record as unknown as PendingConnect);
  }

  private failed(error: unknown, provider: string): InteractionReply {
    if (!(error instanceof ConnectionError)) throw error;
    this.logger.warn({ provider, code: error.code }, 'connecting an account failed');
    switch (error.code) {
      case 'upstream_unavailable':
        return pageReply(
          503,
          messagePage('Try again later', 'The service cannot be reached right now.'),
          30,
        );
      case 'unknown_provider':
      case 'not_connected':
      case 'upstream_refused':
        return pageReply(400, messagePage('Not connected', 'The service did not connect.'));
    }
  }
}
