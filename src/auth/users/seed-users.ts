import type { AccountStore } from '../../storage/account-store';
import { DEV_USERS } from './dev-users';
import { readUsersFile, UsersFileError } from './users-file';

export interface SeedReport {
  /** Users of the users file added to the store now. */
  readonly imported: number;
  /** Users of the users file already in the store, left as they are there. */
  readonly kept: number;
}

/**
 * At start-up, before the AuthServer listens: the development users (only when DEV_USERS is on,
 * which production refuses) and the users file (USERS_FILE), an import format, are added to
 * the store unless their username is there already. The store is the source of truth from
 * then on: a user changed with `npm run admin` keeps that change across restarts, and editing
 * a user already imported changes nothing (use `npm run admin -- users set-password`).
 */
export async function seedUsers(
  accounts: AccountStore,
  options: { readonly devUsers: boolean; readonly usersFile?: string | undefined },
): Promise<SeedReport> {
  if (options.devUsers) await seedDevelopmentUsers(accounts);
  if (!options.usersFile) return { imported: 0, kept: 0 };
  return importUsersFile(accounts, options.usersFile, options.devUsers);
}

async function seedDevelopmentUsers(accounts: AccountStore): Promise<void> {
  for (const { claims, passwordHash } of DEV_USERS) {
    if (await accounts.findUser(claims.preferred_username)) continue;
    await accounts.addUser({
      username: claims.preferred_username,
      sub: claims.sub,
      passwordHash,
      claims: { ...claims },
      origin: 'development',
    });
  }
}

/**
 * A file user may not reuse a development user's username or sub (while those are on), nor a
 * sub another stored user holds: rather than one silently shadowing the other, start-up fails
 * and says so (UsersFileError).
 */
async function importUsersFile(
  accounts: AccountStore,
  file: string,
  devUsers: boolean,
): Promise<SeedReport> {
  const taken = (devUsers ? DEV_USERS : []).map(({ claims }) => ({
    username: claims.preferred_username,
    sub: claims.sub,
    owner: `development user "${claims.preferred_username}" (DEV_USERS=false frees it)`,
  }));
  const users = await readUsersFile(file, taken);
  let imported = 0;
  const problems: string[] = [];
  for (const [index, user] of users.entries()) {
    const added = await accounts.addUser({
      username: user.username,
      sub: user.claims.sub,
      passwordHash: user.passwordHash,
      claims: { ...user.claims },
      origin: 'file',
    });
    if (added) imported += 1;
    else if (!(await accounts.findUser(user.username))) {
      const holder = await accounts.findUserBySubject(user.claims.sub);
      problems.push(
        `users[${index}] (${JSON.stringify(user.username)}): sub "${user.claims.sub}" is ` +
          `already taken by stored user "${holder?.username ?? '?'}"`,
      );
    }
  }
  if (problems.length) throw new UsersFileError(file, problems);
  return { imported, kept: users.length - imported };
}
