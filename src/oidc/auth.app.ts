import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRoleApp } from '../app/create-role-app';
import { RoleContext } from '../app/shared';
import { AuthModule } from './auth.module';
import { CsrfTokens } from './csrf';
import { loadCookieKeys, loadSigningKeys } from './keys';
import { oidcProviderPlugin } from './provider.mount';
import { createProvider } from './provider.factory';
import { UserDirectory } from './users';

export async function createAuthApp(context: RoleContext): Promise<NestFastifyApplication> {
  const { config, store } = context;
  const [signingKeys, cookieKeys, users] = await Promise.all([
    loadSigningKeys(store),
    loadCookieKeys(store, config.cookieKeys),
    UserDirectory.create({ devUsers: config.devUsers, usersFile: config.usersFile }),
  ]);
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
  await app.register(oidcProviderPlugin(provider));
  return app;
}
