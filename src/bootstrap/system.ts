import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppConfig, Role, ROLES } from '../config/config';
import { createLogger } from '../core/logging';
import { openStore } from '../storage/open-store';
import { AuthStore } from '../storage/store';
import { readyBanner } from './banner';
import { ProcessServices, ROLE_APPS } from './roles';

export interface RunningSystem {
  /** The store, when a role of this process opened it (ROLES=spa opens none). */
  readonly store: AuthStore | undefined;
  readonly apps: ReadonlyMap<Role, NestFastifyApplication>;
  /** Actual listening URL per role (ports may have been chosen by the OS). */
  readonly listening: ReadonlyMap<Role, string>;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/** Boots the roles this process runs, each as its own Nest application on its own port. */
export async function startSystem(
  config: AppConfig,
  logger: Logger = createLogger(config.logging, config.shared.production),
  outboundFetch: typeof fetch = fetch,
): Promise<RunningSystem> {
  let opening: Promise<AuthStore> | undefined;
  let store: AuthStore | undefined;
  const services: ProcessServices = {
    config,
    fetch: outboundFetch,
    store: () => {
      opening ??= openStore(config.storage).then((opened) => (store = opened));
      return opening;
    },
  };
  const apps = new Map<Role, NestFastifyApplication>();
  const listening = new Map<Role, string>();
  let cleanup: NodeJS.Timeout | undefined;

  const close = async () => {
    if (cleanup) clearInterval(cleanup);
    for (const app of [...apps.values()].reverse()) await app.close();
    await store?.close();
  };

  try {
    for (const role of ROLES) {
      if (!config.roles.has(role)) continue;
      const context = {
        role,
        shared: config.shared,
        trustProxy: config.http.trustProxy,
        logger,
      };
      const app = await ROLE_APPS[role](context, services);
      apps.set(role, app);
      const { host, ports } = config.http;
      await app.listen({
        port: ports[role],
        host,
        listenTextResolver: (address) => `${role} listening on ${address}`,
      });
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : ports[role];
      listening.set(role, `http://${host}:${port}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ listening: Object.fromEntries(listening) }, readyBanner(config));

  if (config.roles.has('auth') && store) {
    const cleaned = store;
    cleanup = setInterval(() => {
      cleaned.deleteExpired().then(
        (removed) => removed && logger.debug({ removed }, 'expired records removed'),
        (error: unknown) => logger.warn({ err: error }, 'expired-record clean-up failed'),
      );
    }, CLEANUP_INTERVAL_MS);
    cleanup.unref();
  }

  return { store, apps, listening, close };
}
