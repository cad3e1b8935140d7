import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AuthConfig } from '../config/config';
import { AuthStore } from '../storage/store';
import { createRoleApp } from '../core/create-role-app';
import { RoleContext } from '../core/role-context';
import { AuditLog } from './audit/audit-log';
import { auditProviderEvents } from './audit/provider-audit';
import { AuthModule } from './auth.module';
import { CsrfTokens } from './interaction/csrf';
import { ASSETS_DIR } from './interaction/favicon.controller';
import { NotReady } from '../core/readiness';
import { keyPolicy } from './keys/key-policy';
import { SigningKeyRing } from './keys/signing-key-ring';
import { seedClients } from './provider/clients';
import { dpopNonceKey as loadDpopNonceKey } from '../storage/dpop-nonce-secret';
import { loadCookieKeys } from './provider/keys';
import { countIssuedTokens } from './provider/token-metrics';
import { oidcProviderPlugin } from './provider/provider.mount';
import { RegistrationThrottle } from './provider/registration-throttle';
import { createProvider } from './provider/provider.factory';
import { OIDC_PATHS } from './provider/routes';
import { recordClientActivity } from './provider/client-activity';
import { seedUsers, type SeedReport } from './users/seed-users';
import { UserDirectory } from './users/users';

/** Per client address; enough for a person setting up a few MCP clients, not for a flood. */
const REGISTRATIONS_PER_MINUTE = 20;

/** What the AuthServer needs besides the role context: its section, the store, outbound HTTP. */
export interface AuthServerServices {
  readonly config: AuthConfig;
  readonly store: AuthStore;
  readonly fetch: typeof fetch;
}

export async function createAuthApp(
  context: RoleContext,
  { config, store, fetch }: AuthServerServices,
): Promise<NestFastifyApplication> {
  const [signingKeys, cookieKeys, seeded, dpopNonceKey] = await Promise.all([
    SigningKeyRing.open(store, keyPolicy(config, context.shared.apis), context.logger),
    loadCookieKeys(store, config.cookieKeys),
    seedUsers(store.accounts, { devUsers: config.devUsers, usersFile: config.usersFile }),
    loadDpopNonceKey(store, context.role),
  ]);
  const users = new UserDirectory(store.accounts, { devUsers: config.devUsers });
  announceUsers(context, config, seeded, await users.countUsable());
  const audit = new AuditLog(context.logger.child({ role: context.role }));
  const provider = createProvider({
    shared: context.shared,
    config,
    store,
    users,
    signingKeys,
    audit,
    cookieKeys,
    dpopNonceKey,
    fetch,
    registrationThrottle: new RegistrationThrottle(store, REGISTRATIONS_PER_MINUTE, 60),
  });
  const configuredClients = seedClients(context.shared, config).map((c) => c.client_id);
  countIssuedTokens(provider, context.metrics, new Set(configuredClients));
  context.readiness.add('signing_keys', () => {
    // The active key must be one this process holds the private half of.
    const active = signingKeys.publishedKidsActiveFirst()[0];
    if (active === undefined || signingKeys.publicKey(active) === undefined)
      throw new NotReady('no signing key is active');
  });
  recordClientActivity(provider, store.accounts, configuredClients, (error) =>
    context.logger.warn({ err: error }, 'could not record client activity'),
  );
  const csrf = new CsrfTokens(cookieKeys[0]!);

  auditProviderEvents(provider, signingKeys, audit);

  const app = await createRoleApp(
    AuthModule.forRoot(context, { config, store, provider, users, csrf, audit, signingKeys }),
    context,
  );
  // The pages' stylesheet, as a file: cached an hour, revalidated by ETag after that.
  await app.register(fastifyStatic, {
    root: ASSETS_DIR,
    prefix: '/assets/',
    wildcard: false,
    index: false,
    maxAge: '1h',
  });
  await app.register(oidcProviderPlugin(provider, OIDC_PATHS));
  return app;
}

/** An AuthServer nobody can sign in to still serves client credentials, but must say so. */
function announceUsers(
  { shared, logger, role }: RoleContext,
  config: AuthConfig,
  seeded: SeedReport,
  usable: number,
) {
  const facts = {
    role,
    users: usable,
    usersFile: config.usersFile,
    imported: seeded.imported,
    devUsers: config.devUsers,
  };
  if (usable > 0) {
    logger.info(facts, 'users loaded');
    return;
  }
  const devUsers = shared.production ? 'never loaded in production' : 'off (DEV_USERS=false)';
  logger.warn(
    facts,
    `NOBODY CAN SIGN IN: the store holds no enabled users. Development users are ${devUsers}; ` +
      'add one with `npm run admin -- users add <name>` or import a users file with USERS_FILE ' +
      '(README: "Users in production"). Client credentials still work.',
  );
}
