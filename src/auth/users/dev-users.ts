import type { UserClaims } from './users';

interface DevUser {
  readonly claims: UserClaims;
  /** What the README tells developers to type. */
  readonly password: string;
  /**
   * hashPassword(password), made once rather than at every start: on a fresh store that was two
   * scrypt runs in a row (about 330 ms of CPU) before the AuthServer listened, in every
   * development start, test system and benchmark. A fixed salt hides nothing here, the
   * password being public; the hash names its own scrypt parameters, so it keeps verifying
   * when hashPassword's change.
   */
  readonly passwordHash: string;
}

/** The seed's two development users; only loaded outside production (see seedUsers). */
export const DEV_USERS: readonly DevUser[] = [
  {
    password: 'alice',
    passwordHash:
      'scrypt$16384$8$5$GpQHjEdoz8Zm7q34uZqw0w$48hBgvxU7yu1dMUcrQdtn4l5dxz6cpQePZVj7oa0ltM',
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
    passwordHash:
      'scrypt$16384$8$5$efkWVUIu5hUdBZy8qjVoiw$K8KVWJImcIvU2abYEkIcppsg21tYCQGAm78gezeUJ2k',
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
