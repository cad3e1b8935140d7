import type { Logger as PinoLogger } from 'pino';
import type { Role, SharedConfig, TrustProxy } from '../config/config';
import type { Lifecycle } from './lifecycle';
import type { Metrics } from './metrics/metrics';
import type { Readiness } from './readiness';

/**
 * What every role application gets from the process: its name, the shared URLs and
 * identifiers, whose X-Forwarded-* headers to trust, the logger, the draining state and the
 * metrics registry (all shared by the process's roles), and its own readiness checks. A role's own config
 * section and services (store, revocation view) are handed to its factory separately.
 */
export interface RoleContext {
  readonly role: Role;
  readonly shared: SharedConfig;
  readonly trustProxy: TrustProxy;
  readonly logger: PinoLogger;
  /** Draining state, for /health during a graceful shutdown. */
  readonly lifecycle: Lifecycle;
  /** The process's one metrics registry. */
  readonly metrics: Metrics;
  /** This role's readiness checks, filled by its factory, run by /ready. */
  readonly readiness: Readiness;
}
