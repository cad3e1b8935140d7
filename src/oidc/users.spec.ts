import { UserDirectory } from './users';

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
});
