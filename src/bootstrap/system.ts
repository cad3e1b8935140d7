import { setTimeout as delay } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppConfig, Role, ROLES } from '../config/config';
import { Lifecycle } from '../core/lifecycle';
import { createLogger, inRoleScope, roleLogger } from '../core/logging';
import { Metrics } from '../core/metrics/metrics';
import { MetricsServer, serveMetrics } from '../core/metrics/metrics-server';
import { Readiness, type ReadinessCheck } from '../core/readiness';
import { openStore } from '../storage/open-store';
import { RevocationFeed } from '../storage/revocation-feed';
import { AuthStore } from '../storage/store';
import { readyBanner } from './banner';
import { ProcessServices, ROLE_APPS } from './roles';

export interface RunningSystem {
  /** The store, when a role of this process opened it (ROLES=spa opens none). */
  readonly store: AuthStore | undefined;
  readonly apps: ReadonlyMap<Role, NestFastifyApplication>;
  /** Actual listening URL per role (ports may have been chosen by the OS). */
  readonly listening: ReadonlyMap<Role, string>;
  /** Where Prometheus scrapes this process (METRICS_PORT), if anywhere. */
  readonly metricsUrl: string | undefined;
  /** Stops at once: closes every port and the store. */
  close(): Promise<void>;
  /**
   * Stops gracefully: /health and /ready answer 503 for `drainDelayMs` (so a load balancer
   * notices), then every port stops accepting and the requests in flight finish, then the
   * store closes.
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

export interface SystemOptions {
  /** Outbound HTTP for the roles (tests substitute it). */
  readonly fetch?: typeof fetch;
  /** Readiness checks of the whole process, added to every role's (a cluster worker's view). */
  readonly processChecks?: ReadonlyMap<string, ReadinessCheck>;
}

/** Boots the roles this process runs, each as its own Nest application on its own port. */
export async function startSystem(
  config: AppConfig,
  logger: Logger = createLogger(config.logging, config.shared.production),
  { fetch: outboundFetch = fetch, processChecks = new Map() }: SystemOptions = {},
): Promise<RunningSystem> {
  let opening: Promise<AuthStore> | undefined;
  let store: AuthStore | undefined;
  let following: Promise<RevocationFeed> | undefined;
  let feed: RevocationFeed | undefined;
  const services: ProcessServices = {
    config,
    fetch: outboundFetch,
    store: () => {
      opening ??= openStore(config.storage).then((opened) => (store = opened));
      return opening;
    },
    revocations: () => {
      following ??= services
        .store()
        .then((opened) => RevocationFeed.open(opened))
        .then((opened) => (feed = opened));
      return following;
    },
  };
  const apps = new Map<Role, NestFastifyApplication>();
  const listening = new Map<Role, string>();
  let cleanup: NodeJS.Timeout | undefined;

  const lifecycle = new Lifecycle();
  const metrics = new Metrics();
  let metricsServer: MetricsServer | undefined;

  const close = async () => {
    lifecycle.startDraining();
    if (cleanup) clearInterval(cleanup);
    await metricsServer?.close();
    // Fastify's close stops accepting, lets in-flight requests finish and answers 503 to new
    // requests on kept-alive connections; the ports close together so no role outlives another.
    await Promise.all([...apps.values()].map((app) => app.close()));
    await feed?.close();
    await store?.close();
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
      const context = {
        role,
        shared: config.shared,
        trustProxy: config.http.trustProxy,
        logger,
        lifecycle,
        metrics,
        readiness: new Readiness(logger.child({ role })),
      };
      for (const [name, check] of processChecks) context.readiness.add(name, check);
      const { host, ports } = config.http;
      // Its start-up, and what that starts (timers, the first loading of tools), log as it.
      const app = await inRoleScope(roleLogger(logger, role), async () => {
        const started = await ROLE_APPS[role](context, services);
        apps.set(role, started);
        await started.listen({
          port: ports[role],
          host,
          listenTextResolver: (address) => `${role} listening on ${address}`,
        });
        return started;
      });
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : ports[role];
      listening.set(role, `http://${host}:${port}`);
    }
    if (config.metrics.port !== undefined) {
      metrics.collectProcessMetrics();
      metricsServer = await serveMetrics(metrics, { ...config.metrics, port: config.metrics.port });
    }
  } catch (error) {
    await close();
    throw error;
  }
  logger.info(
    { listening: Object.fromEntries(listening), metrics: metricsServer?.url },
    readyBanner(config),
  );

  // Not awaited: an advisory must not hold up the start, and it never rejects.
  if (store) void warnAboutMaintenance(store, logger);
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

  return { store, apps, listening, metricsUrl: metricsServer?.url, close, shutdown };
}

/** Said once at start: an engine setting that degrades the store slowly is easy to miss. */
async function warnAboutMaintenance(store: AuthStore, logger: Logger): Promise<void> {
  try {
    for (const warning of await store.maintenanceWarnings()) logger.warn(warning);
  } catch (error) {
    logger.warn({ err: error }, "the store's maintenance settings could not be read");
  }
}
