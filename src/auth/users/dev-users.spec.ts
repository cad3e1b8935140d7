import { DEV_USERS } from './dev-users';
import { isPasswordHash, verifyPassword } from './password';

describe('DEV_USERS', () => {
  it.each(DEV_USERS.map((user) => [user.claims.preferred_username, user] as const))(
    "%s's stored hash is hashPassword's format and matches the password the README names",
    async (_name, { password, passwordHash }) => {
      expect(isPasswordHash(passwordHash)).toBe(true);
      expect(await verifyPassword(password, passwordHash)).toBe(true);
      expect(await verifyPassword(`${password}x`, passwordHash)).toBe(false);
    },
  );
});
