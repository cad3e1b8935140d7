import type { AccountStore, StoredUser } from '../../storage/account-store';
import { hashPassword, verifyPassword } from './password';

/** A user's claims (CLAIMS in scopes.ts); users from the users file may leave the profile out. */
export interface UserClaims {
  readonly sub: string;
  readonly preferred_username: string;
  readonly name?: string;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly website?: string;
}

// A hash to compare against when the username is unknown, so timing does not reveal which
// usernames exist.
let decoyHash: Promise<string> | undefined;

/**
 * The users who may sign in, read from the store on every lookup (one indexed query, no
 * cache): a user added, disabled or given a new password with `npm run admin` counts at once
 * on every replica. Disabled users, and development users when those are off (production),
 * are treated as unknown.
 */
export class UserDirectory {
  constructor(
    private readonly accounts: AccountStore,
    private readonly options: { readonly devUsers: boolean },
  ) {}

  /** The user's claims when the password matches and the user may sign in. */
  async authenticate(username: string, password: string): Promise<UserClaims | undefined> {
    const user = this.usable(await this.accounts.findUser(username));
    if (!user) {
      decoyHash ??= hashPassword('decoy');
      await verifyPassword(password, await decoyHash);
      return undefined;
    }
    return (await verifyPassword(password, user.passwordHash)) ? claimsOf(user) : undefined;
  }

  /** For the provider's account lookup: a disabled user's tokens stop refreshing. */
  async findBySubject(sub: string): Promise<UserClaims | undefined> {
    const user = this.usable(await this.accounts.findUserBySubject(sub));
    return user && claimsOf(user);
  }

  /** How many users may sign in now (for the start-up message). */
  async countUsable(): Promise<number> {
    return (await this.accounts.listUsers()).filter((user) => this.usable(user)).length;
  }

  private usable(user: StoredUser | undefined): StoredUser | undefined {
    if (!user || user.disabledAt !== undefined) return undefined;
    if (user.origin === 'development' && !this.options.devUsers) return undefined;
    return user;
  }
}

function claimsOf(user: StoredUser): UserClaims {
  return { preferred_username: user.username, ...user.claims, sub: user.sub };
}
