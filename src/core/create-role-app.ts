import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestPinoLogger, roleLogger } from './logging';
import { RoleContext } from './role-context';
import { registerSecurityHeaders } from './security-headers';

/**
 * One role's Nest application on its own Fastify instance: Fastify logs each request through
 * the role's pino logger, Nest logs through the same logger, and X-Forwarded-* is trusted only
 * in production (behind a proxy).
 */
export async function createRoleApp(
  module: DynamicModule,
  context: RoleContext,
): Promise<NestFastifyApplication> {
  const logger = roleLogger(context.logger, context.role);
  const adapter = new FastifyAdapter({
    trustProxy: context.config.production,
    loggerInstance: logger,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(logger),
  });
  await registerSecurityHeaders(app);
  return app;
}
