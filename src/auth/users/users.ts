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

/**
 * A sign-in's outcome. `disabled` is for the audit log; the user is told what a wrong password
 * would tell them, so the page does not reveal which accounts exist or are disabled.
 */
export type Authentication =
  | { readonly kind: 'authenticated'; readonly claims: UserClaims }
  | { readonly kind: 'wrong_credentials' | 'disabled' };

// A hash to compare against when the username is unknown, so timing does not reveal which
// usernames exist.
let decoyHash: Promise<string> | undefined;

/**
 * The users who may sign in, read from the store on every lookup (one indexed query, no
 * cache): a user added, disabled or given a new password with `npm run admin` counts at once
 * on every replica. Disabled users, and development users when those are off (production),
 * are treated as unknown; only the audit log learns that a disabled user tried (authenticate).
 */
export class UserDirectory {
  constructor(
    private readonly accounts: AccountStore,
    private readonly options: { readonly devUsers: boolean },
  ) {}

  /**
   * The user's claims when the password matches and the user may sign in. A disabled user is
   * `disabled` only with the right password (one hash comparison either way, so the timing is
   * a wrong password's): a guess at a disabled account is a wrong password like any other.
   */
  async authenticate(username: string, password: string): Promise<Authentication> {
    const user = this.loaded(await this.accounts.findUser(username));
    if (!user) {
      decoyHash ??= hashPassword('decoy');
      await verifyPassword(password, await decoyHash);
      return { kind: 'wrong_credentials' };
    }
    if (!(await verifyPassword(password, user.passwordHash))) return { kind: 'wrong_credentials' };
    if (user.disabledAt !== undefined) return { kind: 'disabled' };
    return { kind: 'authenticated', claims: claimsOf(user) };
  }

  /** For the provider's account lookup: a disabled user's tokens stop refreshing. */
  async findBySubject(sub: string): Promise<UserClaims | undefined> {
    return this.claimsOfStored(await this.accounts.findUserBySubject(sub));
  }

  /** As `findBySubject`, for a user the store has just read (or found missing). */
  claimsOfStored(stored: StoredUser | undefined): UserClaims | undefined {
    const user = this.usable(stored);
    return user && claimsOf(user);
  }

  /** How many users may sign in now (for the start-up message). */
  async countUsable(): Promise<number> {
    return (await this.accounts.listUsers()).filter((user) => this.usable(user)).length;
  }

  private usable(user: StoredUser | undefined): StoredUser | undefined {
    const loaded = this.loaded(user);
    return loaded?.disabledAt === undefined ? loaded : undefined;
  }

  /** Development users do not exist while they are off (production), disabled or not. */
  private loaded(user: StoredUser | undefined): StoredUser | undefined {
    return user?.origin === 'development' && !this.options.devUsers ? undefined : user;
  }
}

function claimsOf(user: StoredUser): UserClaims {
  return { preferred_username: user.username, ...user.claims, sub: user.sub };
}
