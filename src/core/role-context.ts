import type { Logger as PinoLogger } from 'pino';
import type { Role, SharedConfig, TrustProxy } from '../config/config';

/**
 * What every role application gets from the process: its name, the shared URLs and
 * identifiers, whose X-Forwarded-* headers to trust, and the logger. A role's own config
 * section and services (store, revocation view) are handed to its factory separately.
 */
export interface RoleContext {
  readonly role: Role;
  readonly shared: SharedConfig;
  readonly trustProxy: TrustProxy;
  readonly logger: PinoLogger;
}
