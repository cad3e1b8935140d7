import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteAuthStore } from '../../storage/sqlite/sqlite.store';
import { hashPassword } from './password';
import { seedUsers } from './seed-users';
import { type Authentication, UserDirectory } from './users';
import { UsersFileError } from './users-file';

let store: SqliteAuthStore;
beforeEach(() => {
  store = new SqliteAuthStore(':memory:');
});
afterEach(() => store.close());

const WRONG = { kind: 'wrong_credentials' };

/** The signed-in user's subject, or why there is none. */
function subjectOf(result: Authentication): string {
  return result.kind === 'authenticated' ? result.claims.sub : result.kind;
}

/** The directory as the AuthServer builds it: seed, then read from the store. */
async function directory(options: { devUsers: boolean; usersFile?: string }) {
  await seedUsers(store.accounts, options);
  return new UserDirectory(store.accounts, { devUsers: options.devUsers });
}

describe('UserDirectory', () => {
  it('holds nobody when development users are off', async () => {
    const users = await directory({ devUsers: false });

    expect(await users.countUsable()).toBe(0);
    expect(await users.authenticate('alice', 'alice')).toEqual(WRONG);
    expect(await users.findBySubject('818727')).toBeUndefined();
  });

  describe('with the development users', () => {
    it('signs in alice/alice and bob/bob with their seed claims', async () => {
      const users = await directory({ devUsers: true });
      expect(await users.authenticate('alice', 'alice')).toMatchObject({
        kind: 'authenticated',
        claims: {
          sub: '818727',
          preferred_username: 'alice',
          name: 'Alice Smith',
          email: 'AliceSmith@example.com',
        },
      });
      expect(await users.authenticate('bob', 'bob')).toMatchObject({
        kind: 'authenticated',
        claims: { sub: '88421113', preferred_username: 'bob' },
      });
    });

    it('refuses a wrong password, another user’s, and an unknown user', async () => {
      const users = await directory({ devUsers: true });
      expect(await users.authenticate('alice', 'bob')).toEqual(WRONG);
      expect(await users.authenticate('alice', 'ALICE')).toEqual(WRONG);
      expect(await users.authenticate('alice', '')).toEqual(WRONG);
      expect(await users.authenticate('mallory', 'alice')).toEqual(WRONG);
    });

    it('matches the username case-insensitively and finds a user by subject', async () => {
      const users = await directory({ devUsers: true });
      expect(subjectOf(await users.authenticate(' Alice ', 'alice'))).toBe('818727');
      expect((await users.findBySubject('88421113'))?.preferred_username).toBe('bob');
      expect(await users.findBySubject('alice')).toBeUndefined();
    });

    it('never counts stored development users once they are off (production)', async () => {
      await directory({ devUsers: true });
      const production = new UserDirectory(store.accounts, { devUsers: false });

      expect(await production.authenticate('alice', 'alice')).toEqual(WRONG);
      expect(await production.findBySubject('818727')).toBeUndefined();
      expect(await production.countUsable()).toBe(0);
    });

    it('seeds a removed development user again at the next start (outside production only)', async () => {
      await directory({ devUsers: true });
      await store.accounts.removeUser('alice');
      const users = await directory({ devUsers: true });
      expect(subjectOf(await users.authenticate('alice', 'alice'))).toBe('818727');
    });
  });

  it('refuses a disabled user at once, and takes them back when enabled', async () => {
    const users = await directory({ devUsers: true });

    await store.accounts.setUserDisabled('alice', Date.now());
    // Disabled, said (to the audit log) only to whoever knows the password.
    expect(await users.authenticate('alice', 'alice')).toEqual({ kind: 'disabled' });
    expect(await users.authenticate('alice', 'bob')).toEqual(WRONG);
    expect(await users.findBySubject('818727')).toBeUndefined();
    expect(await users.countUsable()).toBe(1);

    await store.accounts.setUserDisabled('alice', undefined);
    expect(subjectOf(await users.authenticate('alice', 'alice'))).toBe('818727');
  });

  it('checks a new password at once', async () => {
    const users = await directory({ devUsers: true });
    await store.accounts.setUserPassword('bob', await hashPassword('a new password'));

    expect(await users.authenticate('bob', 'bob')).toEqual(WRONG);
    expect(subjectOf(await users.authenticate('bob', 'a new password'))).toBe('88421113');
  });

  describe('with a users file', () => {
    let dir: string;
    let usersFile: string;

    const writeUsers = async (
      file: string,
      users: { username: string; password: string; sub: string }[],
    ) =>
      writeFileSync(
        file,
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
      await writeUsers(usersFile, [
        { username: 'carol', password: 'carol-password', sub: 'c-123' },
      ]);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('imports a file user into the store, as production does without development users', async () => {
      const users = await directory({ devUsers: false, usersFile });

      expect(await users.countUsable()).toBe(1);
      expect(await users.authenticate('carol', 'carol-password')).toEqual({
        kind: 'authenticated',
        claims: {
          sub: 'c-123',
          preferred_username: 'carol',
          name: 'carol from the file',
          email: 'carol@example.com',
        },
      });
      expect(await users.authenticate('carol', 'Carol-password')).toEqual(WRONG);
      expect((await store.accounts.findUser('carol'))?.origin).toBe('file');
      expect(await users.authenticate('alice', 'alice')).toEqual(WRONG);
    });

    it('adds the file’s users to the development users in development', async () => {
      const users = await directory({ devUsers: true, usersFile });

      expect(await users.countUsable()).toBe(3);
      expect(subjectOf(await users.authenticate('alice', 'alice'))).toBe('818727');
      expect(subjectOf(await users.authenticate('carol', 'carol-password'))).toBe('c-123');
    });

    it('keeps a stored user as the store has it: a change made there survives a restart', async () => {
      await directory({ devUsers: false, usersFile });
      await store.accounts.setUserPassword('carol', await hashPassword('changed by admin'));

      const report = await seedUsers(store.accounts, { devUsers: false, usersFile });

      expect(report).toEqual({ imported: 0, kept: 1 });
      const users = new UserDirectory(store.accounts, { devUsers: false });
      expect(await users.authenticate('carol', 'carol-password')).toEqual(WRONG);
      expect(subjectOf(await users.authenticate('carol', 'changed by admin'))).toBe('c-123');
    });

    it('refuses a file user whose sub another stored user holds, naming both', async () => {
      await store.accounts.addUser({
        username: 'dave',
        sub: 'c-123',
        passwordHash: await hashPassword('x'),
        claims: { sub: 'c-123' },
        origin: 'admin',
      });

      await expect(seedUsers(store.accounts, { devUsers: false, usersFile })).rejects.toThrow(
        `invalid users file ${usersFile}:\n  - users[0] ("carol"): sub "c-123" is already taken by stored user "dave"`,
      );
    });

    it('refuses a file user that would shadow a development user, naming both', async () => {
      const clashing = join(dir, 'clashing.json');
      await writeUsers(clashing, [{ username: 'alice', password: 'x', sub: 'a-1' }]);

      const seeded = seedUsers(store.accounts, { devUsers: true, usersFile: clashing });
      await expect(seeded).rejects.toThrow(UsersFileError);
      await expect(seeded).rejects.toThrow(
        `invalid users file ${clashing}:\n  - users[0] ("alice"): username "alice" is already taken by development user "alice" (DEV_USERS=false frees it)`,
      );
    });
  });
});
