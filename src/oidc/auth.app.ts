import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
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
    UserDirectory.create({ devUsers: config.devUsers }),
  ]);
  const provider = createProvider({ config, store, users, signingKeys, cookieKeys });
  const csrf = new CsrfTokens(cookieKeys[0]!);

  const app = await NestFactory.create<NestFastifyApplication>(
    AuthModule.forRoot(context, { provider, users, csrf }),
    new FastifyAdapter({ trustProxy: config.production }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await app.register(oidcProviderPlugin(provider));
  return app;
}
