import type { Logger as PinoLogger } from 'pino';
import type { Role, SharedConfig, TrustProxy } from '../config/config';
import type { Lifecycle } from './lifecycle';

/**
 * What every role application gets from the process: its name, the shared URLs and
 * identifiers, whose X-Forwarded-* headers to trust, the logger and the draining state. A role's own config
 * section and services (store, revocation view) are handed to its factory separately.
 */
export interface RoleContext {
  readonly role: Role;
  readonly shared: SharedConfig;
  readonly trustProxy: TrustProxy;
  readonly logger: PinoLogger;
  /** Draining state, for /health during a graceful shutdown. */
  readonly lifecycle: Lifecycle;
}
