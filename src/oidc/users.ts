import { hashPassword, verifyPassword } from './password';

export interface UserClaims {
  readonly sub: string;
  readonly preferred_username: string;
  readonly name: string;
  readonly given_name: string;
  readonly family_name: string;
  readonly email: string;
  readonly email_verified: boolean;
  readonly website: string;
}

interface UserRecord {
  readonly claims: UserClaims;
  readonly passwordHash: string;
}

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
  private constructor(private readonly users: ReadonlyMap<string, UserRecord>) {}

  static async create(options: { devUsers: boolean }): Promise<UserDirectory> {
    const seeds = options.devUsers ? DEV_USERS : [];
    const records = await Promise.all(
      seeds.map(async ({ claims, password }) => ({
        claims,
        passwordHash: await hashPassword(password),
      })),
    );
    return new UserDirectory(new Map(records.map((r) => [r.claims.preferred_username, r])));
  }

  get size(): number {
    return this.users.size;
  }

  /** The user's claims when the password matches, otherwise undefined. */
  async authenticate(username: string, password: string): Promise<UserClaims | undefined> {
    const user = this.users.get(username.trim().toLowerCase());
    if (!user) {
      decoyHash ??= hashPassword('decoy');
      await verifyPassword(password, await decoyHash);
      return undefined;
    }
    return (await verifyPassword(password, user.passwordHash)) ? user.claims : undefined;
  }

  findBySubject(sub: string): UserClaims | undefined {
    for (const user of this.users.values()) if (user.claims.sub === sub) return user.claims;
    return undefined;
  }
}
