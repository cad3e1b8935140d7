import type { Logger } from 'pino';
import type { Role } from '../../config/config';
import type { SeedReport } from './seed-users';

export interface UsersAtStart {
  readonly role: Role;
  readonly production: boolean;
  readonly usersFile: string | undefined;
  readonly devUsers: boolean;
  readonly seeded: SeedReport;
  /** Enabled users in the store after seeding. */
  readonly usable: number;
}

/** An AuthServer nobody can sign in to still serves client credentials, but must say so. */
export function announceUsers(logger: Logger, at: UsersAtStart): void {
  const facts = {
    role: at.role,
    users: at.usable,
    usersFile: at.usersFile,
    imported: at.seeded.imported,
    devUsers: at.devUsers,
  };
  if (at.usable > 0) {
    logger.info(facts, 'users loaded');
    return;
  }
  const devUsers = at.production ? 'never loaded in production' : 'off (DEV_USERS=false)';
  logger.warn(
    facts,
    `NOBODY CAN SIGN IN: the store holds no enabled users. Development users are ${devUsers}; ` +
      'add one with `npm run admin -- users add <name>` or import a users file with USERS_FILE ' +
      '(README: "Users in production"). Client credentials still work.',
  );
}
