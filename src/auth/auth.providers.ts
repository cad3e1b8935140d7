import type { FactoryProvider } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import type { Logger } from 'pino';
import type { AuthConfig, Role, SharedConfig } from '../config/config';
import { SHARED_CONFIG } from '../config/config.module';
import { ROLE } from '../core/health.controller';
import { Metrics } from '../core/metrics/metrics';
import { NotReady, Readiness } from '../core/readiness';
import { dpopNonceKey as loadDpopNonceKey } from '../storage/dpop-nonce-secret';
import type { AuthStore } from '../storage/store';
import { AuditLog } from './audit/audit-log';
import { auditProviderEvents } from './audit/provider-audit';
import {
  AUTH_CONFIG,
  AUTH_FETCH,
  AUTH_LOGGER,
  AUTH_STORE,
  COOKIE_KEYS,
  DPOP_NONCE_KEY,
  OIDC_PROVIDER,
} from './auth.tokens';
import { ConfiguredClients, seedClients } from './catalog/clients';
import { machineClients } from './catalog/machine-clients';
import { ResourceRegistry } from './catalog/resources';
import { keyPolicy } from './keys/key-policy';
import { SigningKeyRing } from './keys/signing-key-ring';
import { CsrfTokens } from './pages/csrf';
import { LoginThrottle } from './pages/interaction/login-throttle';
import { SignIn } from './pages/interaction/sign-in';
import { recordClientActivity } from './provider/client-activity';
import { loadCookieKeys } from './provider/keys';
import { MachineDirectory } from './provider/machine-directory';
import { createProvider } from './provider/provider.factory';
import { RegistrationThrottle } from './provider/registration-throttle';
import { countIssuedTokens } from './provider/token-metrics';
import { announceUsers } from './users/announce-users';
import { seedUsers } from './users/seed-users';
import { UserDirectory } from './users/users';
import { ConnectedAccounts } from './connections/connected-accounts';
import { AccountLinking } from './federation/account-linking';
import { FederationRecords } from './federation/federation-records';
import { UpstreamClient } from './federation/upstream-client';
import { UpstreamDirectory } from './federation/upstream-directory';
import { FederationService, FEDERATION_CALLBACK_PATH } from './pages/federation/federation.service';

/** Per client address; enough for a person setting up a few MCP clients, not for a flood. */
const REGISTRATIONS_PER_MINUTE = 20;

/** The live keyset; the role is ready only while this process holds the active private key. */
const signingKeys: FactoryProvider<Promise<SigningKeyRing>> = {
  provide: SigningKeyRing,
  inject: [AUTH_STORE, AUTH_CONFIG, SHARED_CONFIG, AUTH_LOGGER, Readiness],
  useFactory: async (
    store: AuthStore,
    config: AuthConfig,
    shared: SharedConfig,
    logger: Logger,
    readiness: Readiness,
  ) => {
    const ring = await SigningKeyRing.open(store, keyPolicy(config, shared.apis), logger);
    readiness.add('signing_keys', () => {
      const active = ring.publishedKidsActiveFirst()[0];
      if (active === undefined || ring.publicKey(active) === undefined)
        throw new NotReady('no signing key is active');
    });
    return ring;
  },
};

const cookieKeys: FactoryProvider<Promise<string[]>> = {
  provide: COOKIE_KEYS,
  inject: [AUTH_STORE, AUTH_CONFIG],
  useFactory: (store: AuthStore, config: AuthConfig) => loadCookieKeys(store, config.cookieKeys),
};

const dpopNonceKey: FactoryProvider<Promise<Buffer>> = {
  provide: DPOP_NONCE_KEY,
  inject: [AUTH_STORE, ROLE],
  useFactory: (store: AuthStore, role: Role) => loadDpopNonceKey(store, role),
};

/** Seeds the development users and USERS_FILE before anyone can sign in, and says who can. */
const users: FactoryProvider<Promise<UserDirectory>> = {
  provide: UserDirectory,
  inject: [AUTH_STORE, AUTH_CONFIG, SHARED_CONFIG, AUTH_LOGGER, ROLE],
  useFactory: async (
    store: AuthStore,
    config: AuthConfig,
    shared: SharedConfig,
    logger: Logger,
    role: Role,
  ) => {
    const { devUsers, usersFile } = config;
    const seeded = await seedUsers(store.accounts, { devUsers, usersFile });
    const directory = new UserDirectory(store.accounts, { devUsers });
    const usable = await directory.countUsable();
    announceUsers(logger, {
      role,
      production: shared.production,
      usersFile,
      devUsers,
      seeded,
      usable,
    });
    return directory;
  },
};

/** The resources and their scopes, from the APIs list: built once, read by every catalog user. */
const resources: FactoryProvider<ResourceRegistry> = {
  provide: ResourceRegistry,
  inject: [SHARED_CONFIG, AUTH_CONFIG],
  useFactory: (shared: SharedConfig, config: AuthConfig) =>
    new ResourceRegistry(shared, config.accessTokenTtlSeconds),
};

/** Configured machine clients and the ones the operator added to the store. */
const machines: FactoryProvider<MachineDirectory> = {
  provide: MachineDirectory,
  inject: [SHARED_CONFIG, AUTH_CONFIG, AUTH_STORE],
  useFactory: (shared: SharedConfig, config: AuthConfig, store: AuthStore) =>
    new MachineDirectory(machineClients(shared, config), store.trust),
};

const clients: FactoryProvider<ConfiguredClients> = {
  provide: ConfiguredClients,
  inject: [SHARED_CONFIG, AUTH_CONFIG, ResourceRegistry, MachineDirectory],
  useFactory: (
    shared: SharedConfig,
    config: AuthConfig,
    registry: ResourceRegistry,
    directory: MachineDirectory,
  ) =>
    new ConfiguredClients(seedClients(shared, config, registry), (id) =>
      directory.isOperatorClient(id),
    ),
};

const audit: FactoryProvider<AuditLog> = {
  provide: AuditLog,
  inject: [AUTH_LOGGER, ROLE],
  useFactory: (logger: Logger, role: Role) => new AuditLog(logger.child({ role })),
};

const registrationThrottle: FactoryProvider<RegistrationThrottle> = {
  provide: RegistrationThrottle,
  inject: [AUTH_STORE],
  useFactory: (store: AuthStore) => new RegistrationThrottle(store, REGISTRATIONS_PER_MINUTE, 60),
};

const loginThrottle: FactoryProvider<LoginThrottle> = {
  provide: LoginThrottle,
  inject: [AUTH_STORE],
  useFactory: (store: AuthStore) => new LoginThrottle(store),
};

const signIn: FactoryProvider<SignIn> = {
  provide: SignIn,
  inject: [UserDirectory, LoginThrottle, AuditLog, Metrics],
  useFactory: (users: UserDirectory, throttle: LoginThrottle, log: AuditLog, metrics: Metrics) =>
    new SignIn(users, throttle, log, metrics),
};

/** The pages' CSRF tokens are keyed by the newest cookie key. */
const csrf: FactoryProvider<CsrfTokens> = {
  provide: CsrfTokens,
  inject: [COOKIE_KEYS],
  useFactory: (keys: string[]) => new CsrfTokens(keys[0]!),
};

/**
 * oidc-provider, with what listens to its events: the issued-token counters, the record of
 * which clients were used, and the audit log.
 */
const oidcProvider: FactoryProvider<Provider> = {
  provide: OIDC_PROVIDER,
  inject: [
    SHARED_CONFIG,
    AUTH_CONFIG,
    AUTH_STORE,
    UserDirectory,
    SigningKeyRing,
    AuditLog,
    COOKIE_KEYS,
    DPOP_NONCE_KEY,
    AUTH_FETCH,
    RegistrationThrottle,
    Metrics,
    AUTH_LOGGER,
    ResourceRegistry,
    ConfiguredClients,
    MachineDirectory,
    ConnectedAccounts,
  ],
  useFactory: (
    shared: SharedConfig,
    config: AuthConfig,
    store: AuthStore,
    users: UserDirectory,
    signingKeys: SigningKeyRing,
    audit: AuditLog,
    cookieKeys: string[],
    nonceKey: Buffer,
    fetch: typeof globalThis.fetch,
    registrationThrottle: RegistrationThrottle,
    metrics: Metrics,
    logger: Logger,
    registry: ResourceRegistry,
    configured: ConfiguredClients,
    directory: MachineDirectory,
    vault: ConnectedAccounts,
  ) => {
    const provider = createProvider({
      vault,
      shared,
      config,
      store,
      users,
      signingKeys,
      audit,
      cookieKeys,
      dpopNonceKey: nonceKey,
      fetch,
      registrationThrottle,
      resources: registry,
      clients: configured,
      machines: directory,
    });
    countIssuedTokens(provider, metrics, configured.ids);
    recordClientActivity(
      provider,
      store.accounts,
      [...configured.ids],
      (error) => logger.warn({ err: error }, 'could not record client activity'),
      shared.caches.clientActivity,
    );
    auditProviderEvents(provider, signingKeys, audit);
    return provider;
  },
};

/** Sign-in through upstream OpenID providers configured in the store. */
const upstreams: FactoryProvider<UpstreamDirectory> = {
  provide: UpstreamDirectory,
  inject: [AUTH_STORE, AUTH_LOGGER],
  useFactory: (store: AuthStore, logger: Logger) => new UpstreamDirectory(store.federation, logger),
};

const federationRecords: FactoryProvider<FederationRecords> = {
  provide: FederationRecords,
  inject: [AUTH_STORE],
  useFactory: (store: AuthStore) => new FederationRecords(store),
};

const federation: FactoryProvider<FederationService> = {
  provide: FederationService,
  inject: [
    OIDC_PROVIDER,
    SHARED_CONFIG,
    AUTH_CONFIG,
    AUTH_STORE,
    AUTH_FETCH,
    UpstreamDirectory,
    FederationRecords,
    AuditLog,
  ],
  useFactory: (
    provider: Provider,
    shared: SharedConfig,
    auth: AuthConfig,
    store: AuthStore,
    fetch: typeof globalThis.fetch,
    directory: UpstreamDirectory,
    records: FederationRecords,
    audit: AuditLog,
  ) =>
    new FederationService(
      provider,
      directory,
      new UpstreamClient(
        fetch,
        new URL(FEDERATION_CALLBACK_PATH, shared.issuer).href,
        auth.federationTimeoutSeconds,
        shared.caches.discoveryDocuments,
      ),
      records,
      new AccountLinking(store.accounts, store.federation),
      audit,
      new URL(shared.issuer).protocol === 'https:',
    ),
};

/** What the AuthServer builds from the config, the store and the kernel, each once. */
export const AUTH_PROVIDERS = [
  resources,
  machines,
  clients,
  signingKeys,
  cookieKeys,
  dpopNonceKey,
  users,
  audit,
  registrationThrottle,
  loginThrottle,
  signIn,
  csrf,
  oidcProvider,
  upstreams,
  federationRecords,
  federation,
];
