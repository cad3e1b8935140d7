import type { Logger as PinoLogger } from 'pino';
import { AppConfig, Role } from '../config/config';
import { AuthStore } from '../storage/store';

/** Singletons one process hands to each of its role applications. */
export interface SharedServices {
  readonly config: AppConfig;
  readonly store: AuthStore;
  readonly logger: PinoLogger;
}

export interface RoleContext extends SharedServices {
  readonly role: Role;
}
