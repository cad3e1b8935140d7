import type { UserClaims } from './users';

/** The seed's two development users; only loaded outside production (see seedUsers). */
export const DEV_USERS: readonly { claims: UserClaims; password: string }[] = [
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
