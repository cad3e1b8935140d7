import type { FactoryProvider } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import type { Logger } from 'pino';
import { SHARED_CONFIG } from '../config/config.module';
import type { AuthConfig, SharedConfig } from '../config/config';
import type { AuthStore } from '../storage/store';
import { AuditLog } from './audit/audit-log';
import { AUTH_CONFIG, AUTH_FETCH, AUTH_LOGGER, AUTH_STORE, OIDC_PROVIDER } from './auth.tokens';
import { ConnectClient } from './connections/connect-client';
import { ConnectedAccounts } from './connections/connected-accounts';
import { EnvelopeKeys } from './connections/envelope';
import { UpstreamDirectory } from './federation/upstream-directory';
import { CONNECT_CALLBACK_PATH, ConnectionsService } from './pages/connections/connections.service';
import { CsrfTokens } from './pages/csrf';

/**
 * The key-encryption keys of the vault. Without CONNECTED_ACCOUNTS_KEYS (refused in production
 * when an API names `auth`) a key derived from a public label seals the tokens: said loudly.
 */
function vaultKeys(config: AuthConfig, shared: SharedConfig, logger: Logger): EnvelopeKeys {
  if (config.connectedAccountsKeys)
    return EnvelopeKeys.parse(config.connectedAccountsKeys.join(','));
  if (shared.apis.some((api) => api.auth)) {
    logger.warn(
      'CONNECTED_ACCOUNTS_KEYS is not set: connected-account tokens are sealed with a PUBLIC ' +
        'development key. Set it (README: "Connected accounts") before storing real accounts.',
    );
  }
  return EnvelopeKeys.development();
}

const connectClient: FactoryProvider<ConnectClient> = {
  provide: ConnectClient,
  inject: [SHARED_CONFIG, AUTH_FETCH],
  useFactory: (shared: SharedConfig, fetch: typeof globalThis.fetch) =>
    new ConnectClient(
      fetch,
      new URL(CONNECT_CALLBACK_PATH, shared.issuer).href,
      shared.caches.discoveryDocuments,
    ),
};

const connectedAccounts: FactoryProvider<ConnectedAccounts> = {
  provide: ConnectedAccounts,
  inject: [
    AUTH_STORE,
    AUTH_CONFIG,
    SHARED_CONFIG,
    AUTH_LOGGER,
    UpstreamDirectory,
    ConnectClient,
    AuditLog,
  ],
  useFactory: (
    store: AuthStore,
    config: AuthConfig,
    shared: SharedConfig,
    logger: Logger,
    directory: UpstreamDirectory,
    client: ConnectClient,
    audit: AuditLog,
  ) =>
    new ConnectedAccounts(
      store.connections,
      vaultKeys(config, shared, logger),
      directory,
      client,
      (who) => audit.connectionRefreshRefused(who),
    ),
};

const connections: FactoryProvider<ConnectionsService> = {
  provide: ConnectionsService,
  inject: [
    OIDC_PROVIDER,
    AUTH_STORE,
    ConnectedAccounts,
    ConnectClient,
    CsrfTokens,
    SHARED_CONFIG,
    AUTH_LOGGER,
    AuditLog,
  ],
  useFactory: (
    provider: Provider,
    store: AuthStore,
    vault: ConnectedAccounts,
    client: ConnectClient,
    csrf: CsrfTokens,
    shared: SharedConfig,
    logger: Logger,
    audit: AuditLog,
  ) =>
    new ConnectionsService(
      provider,
      store,
      vault,
      client,
      csrf,
      shared.apis,
      shared.issuer,
      logger,
      audit,
    ),
};

/** Connected accounts: the vault, its upstream client and the connect pages. */
export const CONNECTION_PROVIDERS = [connectClient, connectedAccounts, connections];
