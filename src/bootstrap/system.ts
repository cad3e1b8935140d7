import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { AppConfig, Role, ROLES } from '../config/config';
import { openStore } from '../storage/open-store';
import { RoleContext, SharedServices } from '../core/role-context';
import { ROLE_APPS } from './roles';

export interface RunningSystem {
  readonly shared: SharedServices;
  readonly apps: ReadonlyMap<Role, NestFastifyApplication>;
  /** Actual listening URL per role (ports may have been chosen by the OS). */
  readonly listening: ReadonlyMap<Role, string>;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/** Boots the roles this process runs, each as its own Nest application on its own port. */
export async function startSystem(
  config: AppConfig,
  logger = createLogger(config),
  outboundFetch: typeof fetch = fetch,
): Promise<RunningSystem> {
  const store = await openStore(config.storage);
  const shared: SharedServices = { config, store, logger, fetch: outboundFetch };
  const apps = new Map<Role, NestFastifyApplication>();
  const listening = new Map<Role, string>();
  let cleanup: NodeJS.Timeout | undefined;

  const close = async () => {
    if (cleanup) clearInterval(cleanup);
    for (const app of [...apps.values()].reverse()) await app.close();
    await store.close();
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

  return { shared, apps, listening, close };
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
