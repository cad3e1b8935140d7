import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { hashPassword } from './password';
import { parseUsersFile, readUsersFile, TakenIdentity, UsersFileError } from './users-file';

const FILE = '/etc/api-mcp-auth/users.json';

describe('users file', () => {
  let hash: string;

  beforeAll(async () => {
    hash = await hashPassword('carol-password');
  });

  const carol = () => ({
    username: 'carol',
    passwordHash: hash,
    claims: { sub: 'c-123', name: 'Carol Jones', email: 'carol@example.com' },
  });

  const parse = (document: unknown) => parseUsersFile(JSON.stringify(document), FILE);

  /** The UsersFileError parsing `text` throws. */
  const errorOf = (text: string, taken: readonly TakenIdentity[] = []): UsersFileError => {
    try {
      parseUsersFile(text, FILE, taken);
    } catch (error) {
      if (error instanceof UsersFileError) return error;
      throw error;
    }
    throw new Error('the file was accepted');
  };
  const problemsOf = (document: unknown) => errorOf(JSON.stringify(document)).problems;

  it('reads users with their claims; preferred_username defaults to the username', () => {
    const users = parse({
      users: [
        carol(),
        {
          username: 'Dave',
          passwordHash: hash,
          claims: {
            sub: 'd-456',
            name: 'Dave Lee',
            given_name: 'Dave',
            family_name: 'Lee',
            preferred_username: 'dlee',
            website: 'https://dave.example.com',
            email: 'dave@example.com',
            email_verified: false,
          },
        },
      ],
    });

    expect(users).toEqual([
      {
        username: 'carol',
        passwordHash: hash,
        claims: {
          sub: 'c-123',
          preferred_username: 'carol',
          name: 'Carol Jones',
          email: 'carol@example.com',
        },
      },
      expect.objectContaining({ username: 'Dave' }),
    ]);
    expect(users[1]!.claims).toMatchObject({ preferred_username: 'dlee', email_verified: false });
  });

  it('accepts an empty list', () => {
    expect(parse({ users: [] })).toEqual([]);
  });

  it('refuses a file that is not JSON, naming the file, with a stable code', () => {
    const error = errorOf('{ "users": [ }');

    expect(error.code).toBe('ERR_USERS_FILE');
    expect(error.file).toBe(FILE);
    expect(error.message).toContain(FILE);
    expect(error.problems).toEqual([expect.stringMatching(/^not valid JSON/)]);
  });

  it.each([
    ['an array', []],
    ['an object without users', { accounts: [] }],
    ['users that is not a list', { users: { carol: {} } }],
  ])('refuses %s at the top level', (_name, document) => {
    expect(problemsOf(document)).toEqual([expect.stringContaining('"users" array')]);
  });

  it('refuses unknown fields, so a typo does not silently drop a claim', () => {
    const entry = { ...carol(), role: 'admin', claims: { ...carol().claims, emial: 'x@y' } };

    expect(problemsOf({ users: [entry], version: 2 })).toEqual([
      'unknown top-level field "version"',
      expect.stringMatching(/^users\[0\] \("carol"\): unknown field "role"/),
      expect.stringMatching(/^users\[0\] \("carol"\): claims.emial is not a claim this server/),
    ]);
  });

  it('refuses missing fields and names the entry', () => {
    const { username: _u, ...noUsername } = carol();
    const { passwordHash: _p, ...noHash } = carol();
    const { claims: _c, ...noClaims } = carol();
    const noSub = { ...carol(), claims: { name: 'Carol' } };

    expect(problemsOf({ users: [noUsername, noHash, noClaims, noSub, 'carol'] })).toEqual([
      'users[0]: username is missing',
      expect.stringMatching(/^users\[1\] \("carol"\): passwordHash is missing/),
      'users[2] ("carol"): claims must be an object with at least "sub"',
      'users[3] ("carol"): claims.sub is missing',
      'users[4]: must be an object with username, passwordHash and claims',
    ]);
  });

  it('refuses a plaintext password field without repeating the password', () => {
    const error = errorOf(JSON.stringify({ users: [{ ...carol(), password: 'hunter2-secret' }] }));

    expect(error.problems).toEqual([
      expect.stringMatching(/^users\[0\] \("carol"\): has a "password" field: store only/),
    ]);
    expect(error.message).not.toContain('hunter2-secret');
  });

  it('refuses a passwordHash that is not a scrypt hash without repeating it', () => {
    const error = errorOf(JSON.stringify({ users: [{ ...carol(), passwordHash: 'hunter2' }] }));

    expect(error.problems).toEqual([
      expect.stringMatching(/passwordHash is not a scrypt hash; is it a plaintext password\?/),
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a damaged scrypt hash', () => {
    const truncated = hash.slice(0, -4);

    expect(problemsOf({ users: [{ ...carol(), passwordHash: truncated }] })).toEqual([
      expect.stringContaining('passwordHash is not a valid scrypt$N$r$p$salt$key hash'),
    ]);
  });

  it.each([
    [
      'a username with surrounding spaces',
      { username: ' carol' },
      'username must be a non-empty string',
    ],
    ['a username that is not a string', { username: 42 }, 'username must be a non-empty string'],
    ['an empty sub', { claims: { sub: '' } }, 'claims.sub must be a non-empty string'],
    [
      'a sub over 255 characters',
      { claims: { sub: 'x'.repeat(256) } },
      'claims.sub must be at most 255',
    ],
    [
      'a non-ASCII sub',
      { claims: { sub: 'ü-1' } },
      'claims.sub must be at most 255 printable ASCII',
    ],
    [
      'an email_verified that is not a boolean',
      { claims: { sub: 's', email_verified: 'yes' } },
      'must be true or false',
    ],
    [
      'an email without @',
      { claims: { sub: 's', email: 'carol' } },
      'claims.email is not an email address',
    ],
    [
      'a website that is not http(s)',
      { claims: { sub: 's', website: 'javascript:x' } },
      'must be an http(s) URL',
    ],
    [
      'a name that is not a string',
      { claims: { sub: 's', name: 7 } },
      'claims.name must be a non-empty string',
    ],
  ])('refuses %s', (_name, override, problem) => {
    expect(problemsOf({ users: [{ ...carol(), ...override }] })).toEqual([
      expect.stringContaining(problem),
    ]);
  });

  it('refuses duplicate usernames (case-insensitively, as sign-in matches) and subs', () => {
    const users = [
      carol(),
      { ...carol(), username: 'Carol', claims: { sub: 'c-456' } },
      { ...carol(), username: 'dave' },
    ];

    expect(problemsOf({ users })).toEqual([
      'users[1] ("Carol"): username "Carol" is already taken by users[0] ("carol")',
      'users[2] ("dave"): sub "c-123" is already taken by users[0] ("carol")',
    ]);
  });

  it('refuses a username or sub someone outside the file already holds', () => {
    const taken = [{ username: 'alice', sub: 'c-123', owner: 'development user "alice"' }];
    const text = JSON.stringify({ users: [carol(), { ...carol(), username: 'ALICE' }] });

    expect(errorOf(text, taken).problems).toEqual([
      'users[0] ("carol"): sub "c-123" is already taken by development user "alice"',
      'users[1] ("ALICE"): username "ALICE" is already taken by development user "alice"',
      'users[1] ("ALICE"): sub "c-123" is already taken by development user "alice"',
    ]);
  });

  it('reports every problem at once, so one restart fixes them all', () => {
    const users = [
      { ...carol(), passwordHash: 'x' },
      { username: 'dave', password: 'x', claims: {} },
    ];

    expect(problemsOf({ users })).toHaveLength(4);
  });

  it('names the file when it cannot be read', async () => {
    const missing = join(tmpdir(), 'no-such-dir', 'users.json');

    await expect(readUsersFile(missing)).rejects.toThrow(
      new RegExp(`invalid users file ${missing}:\\n  - cannot be read: ENOENT`),
    );
  });
});
