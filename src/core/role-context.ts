import type { Logger as PinoLogger } from 'pino';
import { AppConfig, Role } from '../config/config';
import { AuthStore } from '../storage/store';
import { Lifecycle } from './lifecycle';

/** Singletons one process hands to each of its role applications. */
export interface SharedServices {
  readonly config: AppConfig;
  readonly store: AuthStore;
  readonly logger: PinoLogger;
  /** Outbound HTTP for fetching documents named by URL (Client ID Metadata Documents). */
  readonly fetch: typeof fetch;
  /** Draining state for /health during a graceful shutdown. */
  readonly lifecycle: Lifecycle;
}

export interface RoleContext extends SharedServices {
  readonly role: Role;
}
