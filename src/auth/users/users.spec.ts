import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from './password';
import { UserDirectory } from './users';
import { UsersFileError } from './users-file';

describe('UserDirectory', () => {
  it('holds nobody when development users are off', async () => {
    const users = await UserDirectory.create({ devUsers: false });

    expect(users.size).toBe(0);
    expect(await users.authenticate('alice', 'alice')).toBeUndefined();
    expect(users.findBySubject('818727')).toBeUndefined();
  });

  describe('with the development users', () => {
    let users: UserDirectory;

    beforeAll(async () => {
      users = await UserDirectory.create({ devUsers: true });
    });

    it('signs in alice/alice and bob/bob with their seed claims', async () => {
      expect(await users.authenticate('alice', 'alice')).toMatchObject({
        sub: '818727',
        preferred_username: 'alice',
        name: 'Alice Smith',
        email: 'AliceSmith@example.com',
      });
      expect(await users.authenticate('bob', 'bob')).toMatchObject({
        sub: '88421113',
        preferred_username: 'bob',
      });
    });

    it('refuses a wrong password, including another user’s', async () => {
      expect(await users.authenticate('alice', 'bob')).toBeUndefined();
      expect(await users.authenticate('alice', 'ALICE')).toBeUndefined();
      expect(await users.authenticate('alice', '')).toBeUndefined();
    });

    it('refuses an unknown user', async () => {
      expect(await users.authenticate('mallory', 'alice')).toBeUndefined();
    });

    it('matches the username case-insensitively and ignores surrounding spaces', async () => {
      expect((await users.authenticate(' Alice ', 'alice'))?.sub).toBe('818727');
      expect((await users.authenticate('BOB', 'bob'))?.sub).toBe('88421113');
    });

    it('finds a user by subject, for the provider’s account lookup', () => {
      expect(users.findBySubject('88421113')?.preferred_username).toBe('bob');
      expect(users.findBySubject('alice')).toBeUndefined();
    });
  });

  describe('with a users file', () => {
    let dir: string;
    let usersFile: string;

    const writeUsers = async (users: { username: string; password: string; sub: string }[]) =>
      writeFileSync(
        usersFile,
        JSON.stringify({
          users: await Promise.all(
            users.map(async ({ username, password, sub }) => ({
              username,
              passwordHash: await hashPassword(password),
              claims: { sub, name: `${username} from the file`, email: `${username}@example.com` },
            })),
          ),
        }),
      );

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'users-file-'));
      usersFile = join(dir, 'users.json');
      await writeUsers([{ username: 'carol', password: 'carol-password', sub: 'c-123' }]);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('signs in a file user with their claims, as production does without development users', async () => {
      const users = await UserDirectory.create({ devUsers: false, usersFile });

      expect(users.size).toBe(1);
      expect(await users.authenticate('carol', 'carol-password')).toEqual({
        sub: 'c-123',
        preferred_username: 'carol',
        name: 'carol from the file',
        email: 'carol@example.com',
      });
      expect(await users.authenticate(' CAROL ', 'carol-password')).toMatchObject({ sub: 'c-123' });
      expect(users.findBySubject('c-123')?.name).toBe('carol from the file');
    });

    it('refuses a file user’s wrong password', async () => {
      const users = await UserDirectory.create({ devUsers: false, usersFile });

      expect(await users.authenticate('carol', 'Carol-password')).toBeUndefined();
      expect(await users.authenticate('carol', '')).toBeUndefined();
      expect(await users.authenticate('dave', 'carol-password')).toBeUndefined();
    });

    it('has no development users when they are off, only the file’s', async () => {
      const users = await UserDirectory.create({ devUsers: false, usersFile });

      expect(await users.authenticate('alice', 'alice')).toBeUndefined();
      expect(users.findBySubject('818727')).toBeUndefined();
    });

    it('adds the file’s users to the development users in development', async () => {
      const users = await UserDirectory.create({ devUsers: true, usersFile });

      expect(users.size).toBe(3);
      expect((await users.authenticate('alice', 'alice'))?.sub).toBe('818727');
      expect((await users.authenticate('carol', 'carol-password'))?.sub).toBe('c-123');
    });

    it('refuses a file user that would shadow a development user, naming both', async () => {
      const clashing = join(dir, 'clashing.json');
      writeFileSync(
        clashing,
        JSON.stringify({
          users: [
            {
              username: 'alice',
              passwordHash: await hashPassword('x'),
              claims: { sub: 'a-1' },
            },
          ],
        }),
      );

      const created = UserDirectory.create({ devUsers: true, usersFile: clashing });
      await expect(created).rejects.toThrow(UsersFileError);
      await expect(created).rejects.toThrow(
        `invalid users file ${clashing}:\n  - users[0] ("alice"): username "alice" is already taken by development user "alice" (DEV_USERS=false frees it)`,
      );
      const withoutDevUsers = await UserDirectory.create({ devUsers: false, usersFile: clashing });
      expect(withoutDevUsers.size).toBe(1);
    });
  });
});
