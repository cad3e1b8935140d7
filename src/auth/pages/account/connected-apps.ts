import { Inject, Injectable } from '@nestjs/common';
import type { Client, Provider } from 'oidc-provider';
import type { AccountGrant, AccountGrants, GrantCursor } from '../../../storage/oidc-records';
import { AuditLog } from '../../audit/audit-log';
import { AUTH_STORE, OIDC_PROVIDER } from '../../auth.tokens';
import { ConfiguredClients } from '../../catalog/clients';
import { ResourceRegistry } from '../../catalog/resources';
import { ACCOUNT_CLIENT_ID } from '../../catalog/account-client';
import type { ConnectedAppView } from './account-views';
import { appIdentity, identityScopes } from './app-identity';

/**
 * Apps per page. An account collects a grant per sign-in from each new browser or device, which
 * nobody revokes by hand: the page shows the newest and links to older ones, and reads only them.
 */
export const APPS_PER_PAGE = 20;
/** Counting stops here: past it the page says "or more" rather than read the whole history. */
export const APPS_COUNTED_UP_TO = 1000;

export type RevokeOutcome = 'revoked' | 'not_found';

/** One page of an account's apps, newest first. */
export interface ConnectedAppsPage {
  readonly apps: ConnectedAppView[];
  /** The account's apps on every page, counted up to APPS_COUNTED_UP_TO. */
  readonly total: number;
  /** Counting stopped at APPS_COUNTED_UP_TO: there may be more. */
  readonly totalCapped: boolean;
  /** Where the next, older page starts, when there is one. */
  readonly older: GrantCursor | undefined;
}

/**
 * The apps a user has granted access (oidc-provider grants), and revoking one: the grant, the
 * codes and refresh tokens issued under it, and (through the revocation list) its JWT access
 * tokens, which resource servers refuse by their `gid` from then on.
 */
@Injectable()
export class ConnectedApps {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    @Inject(AUTH_STORE) private readonly store: AccountGrants,
    private readonly audit: AuditLog,
    private readonly resources: ResourceRegistry,
    private readonly configuredClients: ConfiguredClients,
  ) {}

  /** One page of the account's apps, newest first, older than `before` when given. */
  async list(accountId: string, before?: GrantCursor): Promise<ConnectedAppsPage> {
    const [grants, total] = await Promise.all([
      this.store.grantsOfAccount(accountId, {
        exceptClientId: ACCOUNT_CLIENT_ID,
        limit: APPS_PER_PAGE + 1,
        before,
      }),
      this.store.countGrantsOfAccount(accountId, ACCOUNT_CLIENT_ID, APPS_COUNTED_UP_TO),
    ]);
    const shown = grants.slice(0, APPS_PER_PAGE);
    const last = shown.at(-1);
    const apps = await Promise.all(shown.map((grant) => this.view(grant)));
    return {
      apps: apps.filter((app): app is ConnectedAppView => app !== undefined),
      total,
      totalCapped: total >= APPS_COUNTED_UP_TO,
      older: grants.length > APPS_PER_PAGE && last ? cursorOf(last) : undefined,
    };
  }

  /** Only the account's own grant can be revoked; any other id is `not_found`, not a hint. */
  async revoke(accountId: string, grantId: string): Promise<RevokeOutcome> {
    const grant = await this.provider.Grant.find(grantId);
    if (!grant || grant.accountId !== accountId) return 'not_found';
    // Destroying the grant first puts it on the revocation list (the adapter's onGrantRevoked):
    // from here its access tokens are refused and its refresh tokens find no grant to refresh.
    await grant.destroy();
    const { AccessToken, AuthorizationCode, RefreshToken, DeviceCode } = this.provider;
    await Promise.all(
      [AccessToken, AuthorizationCode, RefreshToken, DeviceCode].map((model) =>
        model.revokeByGrantId(grantId),
      ),
    );
    this.audit.grantRevokedByUser({
      subject: accountId,
      clientId: grant.clientId ?? '',
      grantId,
    });
    return 'revoked';
  }

  private async view(grant: AccountGrant): Promise<ConnectedAppView | undefined> {
    const { payload } = grant;
    const clientId = typeof payload.clientId === 'string' ? payload.clientId : '';
    // The account page's own sign-in is not an app the user connected.
    if (clientId === '' || clientId === ACCOUNT_CLIENT_ID) return undefined;
    const client = await this.findClient(clientId);
    const iat = typeof payload.iat === 'number' ? payload.iat : undefined;
    const resources = Object.entries(stringRecord(payload.resources)).map(([id, scopes]) => ({
      id,
      name: this.resources.find(id)?.name ?? id,
      scopes: words(scopes),
    }));
    return {
      grantId: grant.grantId,
      ...appIdentity(clientId, client, this.configuredClients.ids),
      scopes: identityScopes(words(field(payload.openid, 'scope')), resources),
      resources,
      grantedAt: iat === undefined ? undefined : new Date(iat * 1000),
      lastUsedAt: grant.lastUsedAt === undefined ? undefined : new Date(grant.lastUsedAt),
    };
  }

  /**
   * A registered client may have been removed, and a metadata document may not load right now;
   * the grant is still listed (and revocable) under its client id.
   */
  private async findClient(clientId: string): Promise<Client | undefined> {
    try {
      return await this.provider.Client.find(clientId);
    } catch {
      return undefined;
    }
  }
}

function cursorOf(grant: AccountGrant): GrantCursor | undefined {
  const iat = grant.payload.iat;
  return typeof iat === 'number' ? { iat, grantId: grant.grantId } : undefined;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function words(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter((w) => w !== '') : [];
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}
