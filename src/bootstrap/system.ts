import { setTimeout as delay } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { AppConfig, Role, ROLES } from '../config/config';
import { openStore } from '../storage/open-store';
import { Lifecycle } from '../core/lifecycle';
import { RoleContext, SharedServices } from '../core/role-context';
import { ROLE_APPS } from './roles';

export interface RunningSystem {
  readonly shared: SharedServices;
  readonly apps: ReadonlyMap<Role, NestFastifyApplication>;
  /** Actual listening URL per role (ports may have been chosen by the OS). */
  readonly listening: ReadonlyMap<Role, string>;
  /** Stops at once: closes every port and the store. */
  close(): Promise<void>;
  /**
   * Stops gracefully: /health answers 503 for `drainDelayMs` (so a load balancer notices), then
   * every port stops accepting and the requests in flight finish, then the store closes.
   * Rejects with ShutdownTimeoutError when that takes longer than `timeoutMs`.
   */
  shutdown(options: ShutdownOptions): Promise<void>;
}

export interface ShutdownOptions {
  readonly drainDelayMs: number;
  readonly timeoutMs: number;
}

export class ShutdownTimeoutError extends Error {
  override readonly name = 'ShutdownTimeoutError';
  readonly code = 'ERR_SHUTDOWN_TIMEOUT';
}

const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/** Boots the roles this process runs, each as its own Nest application on its own port. */
export async function startSystem(
  config: AppConfig,
  logger = createLogger(config),
  outboundFetch: typeof fetch = fetch,
): Promise<RunningSystem> {
  const store = await openStore(config.storage);
  const lifecycle = new Lifecycle();
  const shared: SharedServices = { config, store, logger, fetch: outboundFetch, lifecycle };
  const apps = new Map<Role, NestFastifyApplication>();
  const listening = new Map<Role, string>();
  let cleanup: NodeJS.Timeout | undefined;

  const close = async () => {
    lifecycle.startDraining();
    if (cleanup) clearInterval(cleanup);
    // Fastify's close stops accepting, lets in-flight requests finish and answers 503 to new
    // requests on kept-alive connections; the ports close together so no role outlives another.
    await Promise.all([...apps.values()].map((app) => app.close()));
    await store.close();
  };

  const shutdown = async ({ drainDelayMs, timeoutMs }: ShutdownOptions) => {
    lifecycle.startDraining();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ShutdownTimeoutError(`requests still in flight after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([delay(drainDelayMs).then(close), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    for (const role of ROLES) {
      if (!config.roles.has(role)) continue;
      const context: RoleContext = { ...shared, role };
      const app = await ROLE_APPS[role](context);
      apps.set(role, app);
      await app.listen({ port: config.ports[role], host: config.host });
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.ports[role];
      listening.set(role, `http://${config.host}:${port}`);
      logger.info({ role, port }, `${role} listening`);
    }
  } catch (error) {
    await close();
    throw error;
  }

  if (config.roles.has('auth')) {
    cleanup = setInterval(() => {
      store.deleteExpired().then(
        (removed) => removed && logger.debug({ removed }, 'expired records removed'),
        (error: unknown) => logger.warn({ err: error }, 'expired-record clean-up failed'),
      );
    }, CLEANUP_INTERVAL_MS);
    cleanup.unref();
  }

  return { shared, apps, listening, close, shutdown };
}

export function createLogger(config: AppConfig) {
  const pretty =
    config.logFormat === 'pretty' ||
    (config.logFormat === 'auto' && !config.production && process.stdout.isTTY);
  return pino({
    level: config.logLevel,
    // pino-pretty is a development dependency: never asked for in production images.
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } }
      : {}),
    redact: {
      paths: ['*.authorization', '*.password', '*.client_secret', '*.token'],
      censor: '[redacted]',
    },
  });
}
