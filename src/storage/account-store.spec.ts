import { onEveryEngine, type OpenStore } from '../../test/support/auth-stores';
import type { NewUser } from './account-store';

const carol: NewUser = {
  username: 'Carol',
  sub: 'c-1',
  passwordHash: 'scrypt$hash-1',
  claims: { sub: 'c-1', preferred_username: 'Carol', email_verified: true },
  origin: 'admin',
};

/** The AccountStore contract (users, grants, sessions, clients), on every engine. */
onEveryEngine((open: OpenStore) => {
  describe('users', () => {
    it('adds a user and finds them by username, case-insensitively, and by sub', async () => {
      const { accounts } = await open();

      expect(await accounts.addUser(carol)).toBe(true);

      const found = await accounts.findUser('  carol ');
      expect(found).toEqual({
        ...carol,
        disabledAt: undefined,
        createdAt: expect.any(Number) as number,
        updatedAt: expect.any(Number) as number,
      });
      expect(await accounts.findUserBySubject('c-1')).toEqual(found);
      expect(await accounts.findUser('dave')).toBeUndefined();
      expect(await accounts.findUserBySubject('c-2')).toBeUndefined();
    });

    it('refuses a second user with a taken username or sub and keeps the first', async () => {
      const { accounts } = await open();
      await accounts.addUser(carol);

      expect(await accounts.addUser({ ...carol, username: 'CAROL', sub: 'c-2' })).toBe(false);
      expect(await accounts.addUser({ ...carol, username: 'dave' })).toBe(false);
      expect((await accounts.listUsers()).map((u) => u.username)).toEqual(['Carol']);
    });

    it('finds users by email, case-insensitively, and no one for an unknown address', async () => {
      const { accounts } = await open();
      await accounts.addUser({ ...carol, claims: { ...carol.claims, email: 'Carol@Corp.Test' } });
      await accounts.addUser({ ...carol, username: 'zed', sub: 'z', claims: { sub: 'z' } });
      await accounts.addUser({
        ...carol,
        username: 'ann',
        sub: 'a',
        claims: { sub: 'a', email: 'carol@corp.test' },
      });

      const found = await accounts.findUsersByEmail('carol@corp.test');
      expect(found.map((u) => u.username)).toEqual(['ann', 'Carol']);
      expect(await accounts.findUsersByEmail('dave@corp.test')).toEqual([]);
    });

    it('lists users by username', async () => {
      const { accounts } = await open();
      await accounts.addUser({ ...carol, username: 'zed', sub: 'z' });
      await accounts.addUser(carol);
      await accounts.addUser({ ...carol, username: 'bob', sub: 'b', origin: 'development' });

      const users = await accounts.listUsers();
      expect(users.map((u) => [u.username, u.origin])).toEqual([
        ['bob', 'development'],
        ['Carol', 'admin'],
        ['zed', 'admin'],
      ]);
    });

    it('disables, enables, changes the password and removes; false for an unknown user', async () => {
      const { accounts } = await open();
      await accounts.addUser(carol);

      expect(await accounts.setUserDisabled('carol', 1_700_000_000_000)).toBe(true);
      expect((await accounts.findUser('carol'))?.disabledAt).toBe(1_700_000_000_000);
      expect(await accounts.setUserDisabled('carol', undefined)).toBe(true);
      expect((await accounts.findUser('carol'))?.disabledAt).toBeUndefined();

      expect(await accounts.setUserPassword('CAROL', 'scrypt$hash-2')).toBe(true);
      expect((await accounts.findUser('carol'))?.passwordHash).toBe('scrypt$hash-2');

      expect(await accounts.setUserDisabled('dave', 1)).toBe(false);
      expect(await accounts.setUserPassword('dave', 'x')).toBe(false);
      expect(await accounts.removeUser('dave')).toBe(false);
      expect(await accounts.removeUser('Carol')).toBe(true);
      expect(await accounts.findUser('carol')).toBeUndefined();
    });

    it('sees a change made through another connection at once (another replica)', async () => {
      const first = await open();
      const second = await open();
      await first.accounts.addUser(carol);

      await second.accounts.setUserDisabled('carol', 42);

      expect((await first.accounts.findUser('carol'))?.disabledAt).toBe(42);
    });
  });

  describe('grants and sessions', () => {
    it("finds an account's and a client's live grants", async () => {
      const store = await open();
      await store.upsert('Grant', 'g1', { accountId: 'c-1', clientId: 'app', jti: 'g1' }, 60);
      await store.upsert('Grant', 'g2', { accountId: 'c-1', clientId: 'mcp', jti: 'g2' }, 60);
      await store.upsert('Grant', 'g3', { accountId: 'c-2', clientId: 'app', jti: 'g3' }, 60);
      await store.upsert('Session', 's1', { accountId: 'c-1' }, 60);

      const ofCarol = await store.accounts.grantsOf({ accountId: 'c-1' });
      expect(ofCarol.map((g) => g.grantId).sort()).toEqual(['g1', 'g2']);
      expect(ofCarol).toContainEqual({ grantId: 'g2', accountId: 'c-1', clientId: 'mcp' });
      const ofApp = await store.accounts.grantsOf({ clientId: 'app' });
      expect(ofApp.map((g) => g.grantId).sort()).toEqual(['g1', 'g3']);
      expect(await store.accounts.grantsOf({ accountId: 'nobody' })).toEqual([]);
    });

    it('deletes a grant with every record issued under it, and nothing else', async () => {
      const store = await open();
      await store.upsert('Grant', 'g1', { accountId: 'c-1', clientId: 'app' }, 60);
      await store.upsert('RefreshToken', 'r1', { grantId: 'g1' }, 60);
      await store.upsert('AuthorizationCode', 'a1', { grantId: 'g1' }, 60);
      await store.upsert('RefreshToken', 'r2', { grantId: 'g2' }, 60);
      await store.upsert('Grant', 'g2', { accountId: 'c-1', clientId: 'app' }, 60);

      expect(await store.accounts.deleteGrant('g1')).toBe(3);

      expect(await store.find('Grant', 'g1')).toBeUndefined();
      expect(await store.find('RefreshToken', 'r1')).toBeUndefined();
      expect(await store.find('AuthorizationCode', 'a1')).toBeUndefined();
      expect(await store.find('RefreshToken', 'r2')).toEqual({ grantId: 'g2' });
      expect(await store.find('Grant', 'g2')).toBeDefined();
    });

    it("deletes only that account's sessions", async () => {
      const store = await open();
      await store.upsert('Session', 's1', { accountId: 'c-1', uid: 'u1' }, 60);
      await store.upsert('Session', 's2', { accountId: 'c-1', uid: 'u2' }, 60);
      await store.upsert('Session', 's3', { accountId: 'c-2', uid: 'u3' }, 60);
      await store.upsert('Grant', 'g1', { accountId: 'c-1', clientId: 'app' }, 60);

      expect(await store.accounts.deleteSessionsOf('c-1')).toBe(2);

      expect(await store.find('Session', 's1')).toBeUndefined();
      expect(await store.find('Session', 's3')).toEqual({ accountId: 'c-2', uid: 'u3' });
      expect(await store.find('Grant', 'g1')).toBeDefined();
    });
  });

  describe('clients', () => {
    const use = {
      clientId: 'https://app.example/client.json',
      kind: 'metadata_document' as const,
      clientName: 'App',
      redirectUris: ['https://app.example/cb'],
    };

    it('records first and last use; a later use keeps the first', async () => {
      const store = await open();
      const now = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(now);
      await store.accounts.recordClientUse(use);
      jest.spyOn(Date, 'now').mockReturnValue(now + 5000);
      await store.accounts.recordClientUse({ ...use, clientName: 'App 2' });

      expect(await store.accounts.clientActivity()).toEqual([
        { ...use, clientName: 'App 2', firstSeen: now, lastUsed: now + 5000 },
      ]);
    });

    it('lists registered clients and removes a client with its activity', async () => {
      const store = await open();
      await store.upsert('Client', 'dyn-1', { client_id: 'dyn-1', redirect_uris: ['x'] });
      await store.upsert('Client', 'dyn-2', { client_id: 'dyn-2' });
      await store.accounts.recordClientUse({ ...use, clientId: 'dyn-1', kind: 'registered' });
      await store.accounts.recordClientUse(use);

      expect(await store.accounts.registeredClients()).toEqual([
        { client_id: 'dyn-1', redirect_uris: ['x'] },
        { client_id: 'dyn-2' },
      ]);
      expect(await store.accounts.removeClient('dyn-1')).toBe(true);
      expect(await store.accounts.removeClient(use.clientId)).toBe(true);
      expect(await store.accounts.removeClient('dyn-1')).toBe(false);

      expect(await store.accounts.registeredClients()).toEqual([{ client_id: 'dyn-2' }]);
      expect(await store.accounts.clientActivity()).toEqual([]);
    });
  });
});
