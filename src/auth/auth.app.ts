import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Provider } from 'oidc-provider';
import { createRoleApp } from '../core/create-role-app';
import { RoleContext } from '../core/role-context';
import { AuthModule, type AuthServerServices } from './auth.module';
import { OIDC_PROVIDER } from './auth.tokens';
import { OIDC_PATHS } from './catalog/routes';
import { ASSETS_DIR } from './pages/favicon.controller';
import { oidcProviderPlugin } from './provider/provider.mount';

/** The AuthServer: its module, the pages' assets, and oidc-provider behind Nest's own routes. */
export async function createAuthApp(
  context: RoleContext,
  services: AuthServerServices,
): Promise<NestFastifyApplication> {
  const app = await createRoleApp(AuthModule.forRoot(context, services), context);
  // The pages' stylesheet, as a file: cached an hour, revalidated by ETag after that.
  await app.register(fastifyStatic, {
    root: ASSETS_DIR,
    prefix: '/assets/',
    wildcard: false,
    index: false,
    maxAge: '1h',
  });
  await app.register(oidcProviderPlugin(app.get<Provider>(OIDC_PROVIDER), OIDC_PATHS));
  return app;
}
