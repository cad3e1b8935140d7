import { hashPassword, verifyPassword } from './password';
import { FileUser, readUsersFile } from './users-file';

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

type UserRecord = FileUser;

/** The seed's two development users; only loaded outside production (see UserDirectory.create). */
const DEV_USERS: readonly { claims: UserClaims; password: string }[] = [
  {
    password: 'alice',
    claims: {
      sub: '818727',
      preferred_username: 'alice',
      name: 'Alice Smith',
      given_name: 'Alice',
      family_name: 'Smith',
      email: 'AliceSmith@example.com',
      email_verified: true,
      website: 'http://alice.example.com',
    },
  },
  {
    password: 'bob',
    claims: {
      sub: '88421113',
      preferred_username: 'bob',
      name: 'Bob Smith',
      given_name: 'Bob',
      family_name: 'Smith',
      email: 'BobSmith@example.com',
      email_verified: true,
      website: 'http://bob.example.com',
    },
  },
];

// A hash to compare against when the username is unknown, so timing does not reveal which
// usernames exist.
let decoyHash: Promise<string> | undefined;

export class UserDirectory {
  private readonly byUsername: ReadonlyMap<string, UserRecord>;
  private readonly bySubject: ReadonlyMap<string, UserRecord>;

  private constructor(users: readonly UserRecord[]) {
    this.byUsername = new Map(users.map((u) => [u.username.toLowerCase(), u]));
    this.bySubject = new Map(users.map((u) => [u.claims.sub, u]));
  }

  /**
   * The development users (outside production, unless DEV_USERS=false) plus the users file.
   * A file user may not reuse a development user's username or sub: rather than one silently
   * shadowing the other, start-up fails and says so (UsersFileError).
   */
  static async create(options: {
    devUsers: boolean;
    usersFile?: string | undefined;
  }): Promise<UserDirectory> {
    const seeds = options.devUsers ? DEV_USERS : [];
    const taken = seeds.map(({ claims }) => ({
      username: claims.preferred_username,
      sub: claims.sub,
      owner: `development user "${claims.preferred_username}" (DEV_USERS=false frees it)`,
    }));
    const [devRecords, fileRecords] = await Promise.all([
      Promise.all(
        seeds.map(async ({ claims, password }) => ({
          username: claims.preferred_username,
          claims,
          passwordHash: await hashPassword(password),
        })),
      ),
      options.usersFile ? readUsersFile(options.usersFile, taken) : [],
    ]);
    return new UserDirectory([...devRecords, ...fileRecords]);
  }

  get size(): number {
    return this.byUsername.size;
  }

  /** The user's claims when the password matches, otherwise undefined. */
  async authenticate(username: string, password: string): Promise<UserClaims | undefined> {
    const user = this.byUsername.get(username.trim().toLowerCase());
    if (!user) {
      decoyHash ??= hashPassword('decoy');
      await verifyPassword(password, await decoyHash);
      return undefined;
    }
    return (await verifyPassword(password, user.passwordHash)) ? user.claims : undefined;
  }

  findBySubject(sub: string): UserClaims | undefined {
    return this.bySubject.get(sub)?.claims;
  }
}
