import type { FactoryProvider } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import type { Logger } from 'pino';
import type { AuthConfig, Role, SharedConfig } from '../config/config';
import { SHARED_CONFIG } from '../config/config.module';
import { ROLE } from '../core/health.controller';
import { Metrics } from '../core/metrics/metrics';
import { NotReady, Readiness } from '../core/readiness';
import type { AuthStore } from '../storage/store';
import { AuditLog } from './audit/audit-log';
import { auditProviderEvents } from './audit/provider-audit';
import {
  AUTH_CONFIG,
  AUTH_FETCH,
  AUTH_LOGGER,
  AUTH_STORE,
  COOKIE_KEYS,
  OIDC_PROVIDER,
} from './auth.tokens';
import { seedClients } from './catalog/clients';
import { keyPolicy } from './keys/key-policy';
import { SigningKeyRing } from './keys/signing-key-ring';
import { CsrfTokens } from './pages/csrf';
import { LoginThrottle } from './pages/interaction/login-throttle';
import { SignIn } from './pages/interaction/sign-in';
import { recordClientActivity } from './provider/client-activity';
import { loadCookieKeys } from './provider/keys';
import { createProvider } from './provider/provider.factory';
import { RegistrationThrottle } from './provider/registration-throttle';
import { countIssuedTokens } from './provider/token-metrics';
import { announceUsers } from './users/announce-users';
import { seedUsers } from './users/seed-users';
import { UserDirectory } from './users/users';
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
    AUTH_FETCH,
    RegistrationThrottle,
    Metrics,
    AUTH_LOGGER,
  ],
  useFactory: (
    shared: SharedConfig,
    config: AuthConfig,
    store: AuthStore,
    users: UserDirectory,
    signingKeys: SigningKeyRing,
    audit: AuditLog,
    cookieKeys: string[],
    fetch: typeof globalThis.fetch,
    registrationThrottle: RegistrationThrottle,
    metrics: Metrics,
    logger: Logger,
  ) => {
    const provider = createProvider({
      shared,
      config,
      store,
      users,
      signingKeys,
      audit,
      cookieKeys,
      fetch,
      registrationThrottle,
    });
    const configuredClients = seedClients(shared, config).map((c) => c.client_id);
    countIssuedTokens(provider, metrics, new Set(configuredClients));
    recordClientActivity(provider, store.accounts, configuredClients, (error) =>
      logger.warn({ err: error }, 'could not record client activity'),
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
    AUTH_STORE,
    AUTH_FETCH,
    UpstreamDirectory,
    FederationRecords,
    AuditLog,
  ],
  useFactory: (
    provider: Provider,
    shared: SharedConfig,
    store: AuthStore,
    fetch: typeof globalThis.fetch,
    directory: UpstreamDirectory,
    records: FederationRecords,
    audit: AuditLog,
  ) =>
    new FederationService(
      provider,
      directory,
      new UpstreamClient(fetch, new URL(FEDERATION_CALLBACK_PATH, shared.issuer).href),
      records,
      new AccountLinking(store.accounts, store.federation),
      audit,
      new URL(shared.issuer).protocol === 'https:',
    ),
};

/** What the AuthServer builds from the config, the store and the kernel, each once. */
export const AUTH_PROVIDERS = [
  signingKeys,
  cookieKeys,
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
