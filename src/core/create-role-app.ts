import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { inRoleScope, NestPinoLogger, roleLogger } from './logging';
import type { TrustProxy } from '../config/config';
import { observeHttp } from './metrics/http-metrics';
import { DebugRequestLog } from './request-log';
import { RoleContext } from './role-context';
import { registerSecurityHeaders } from './security-headers';

/**
 * One role's Nest application on its own Fastify instance. Nest and Fastify log through the
 * role's pino logger; per-request lines are at debug level; every response is counted in the
 * process's metrics.
 * X-Forwarded-* counts only from the proxies TRUST_PROXY names (a hop count takes the
 * right-most entries, which the client cannot forge): with it off, `request.ip` is the peer.
 */
export async function createRoleApp(
  module: DynamicModule,
  context: RoleContext,
): Promise<NestFastifyApplication> {
  const logger = roleLogger(context.logger, context.role);
  const adapter = new FastifyAdapter({
    trustProxy: fastifyTrustProxy(context.trustProxy),
    loggerInstance: logger,
    logController: new DebugRequestLog(),
  });
  // Every request, and what it starts, logs as this role (inRoleScope).
  adapter.getInstance().addHook('onRequest', (_request, _reply, done) => {
    inRoleScope(logger, done);
  });
  observeHttp(adapter.getInstance(), context.metrics, context.role);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(context.logger),
    // A provider that fails to build (a bad USERS_FILE, an unreachable store) rejects this
    // call, so main.ts reports it; Nest's default would exit the process on the spot.
    abortOnError: false,
  });
  registerSecurityHeaders(app);
  return app;
}

/**
 * Fastify's form of TRUST_PROXY. A hop count becomes proxy-addr's rule: trust the `hops`
 * addresses nearest to us (the peer is hop 0), so `request.ip` is the right-most entry of
 * X-Forwarded-For that those proxies added, never one the client wrote.
 */
function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}
