import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRoleApp } from '../core/create-role-app';
import { RoleContext } from '../core/role-context';
import { AuthModule } from './auth.module';
import { CsrfTokens } from './interaction/csrf';
import { loadCookieKeys, loadSigningKeys } from './provider/keys';
import { oidcProviderPlugin } from './provider/provider.mount';
import { RegistrationThrottle } from './provider/registration-throttle';
import { createProvider } from './provider/provider.factory';
import { UserDirectory } from './users/users';

/** Per client address; enough for a person setting up a few MCP clients, not for a flood. */
const REGISTRATIONS_PER_MINUTE = 20;

export async function createAuthApp(context: RoleContext): Promise<NestFastifyApplication> {
  const { config, store } = context;
  const [signingKeys, cookieKeys, users] = await Promise.all([
    loadSigningKeys(store),
    loadCookieKeys(store, config.cookieKeys),
    UserDirectory.create({ devUsers: config.devUsers, usersFile: config.usersFile }),
  ]);
  announceUsers(context, users);
  const provider = createProvider({
    config,
    store,
    users,
    signingKeys,
    cookieKeys,
    fetch: context.fetch,
  });
  const csrf = new CsrfTokens(cookieKeys[0]!);

  const app = await createRoleApp(AuthModule.forRoot(context, { provider, users, csrf }), context);
  await app.register(
    oidcProviderPlugin(provider, {
      registrationThrottle: new RegistrationThrottle(REGISTRATIONS_PER_MINUTE, 60_000),
    }),
  );
  return app;
}

/** An AuthServer nobody can sign in to still serves client credentials, but must say so. */
function announceUsers({ config, logger, role }: RoleContext, users: UserDirectory) {
  const facts = { role, users: users.size, usersFile: config.usersFile, devUsers: config.devUsers };
  if (users.size > 0) {
    logger.info(facts, 'users loaded');
    return;
  }
  const devUsers = config.production ? 'never loaded in production' : 'off (DEV_USERS=false)';
  logger.warn(
    facts,
    config.usersFile
      ? `NOBODY CAN SIGN IN: the users file ${config.usersFile} lists no users`
      : `NOBODY CAN SIGN IN: no users are configured. Development users are ${devUsers}; ` +
          'point USERS_FILE at a users file (README: "Users in production"). ' +
          'Client credentials still work.',
  );
}
