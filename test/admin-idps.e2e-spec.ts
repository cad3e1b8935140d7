import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteAuthStore } from '../src/storage/sqlite/sqlite.store';
import { envWithoutStore, runNpmScript, type CommandRun } from './support/operator-cli';

const SECRET = 'corp-client-secret-never-printed-0123';
/** Stands for the secret file the first case writes (the cases are listed before it exists). */
const SECRET_FILE = '<secret file>';
/** `idps add <slug>` for an upstream every refused case shares, then what the case adds. */
const addUpstream = (slug: string, ...more: string[]) => [
  'add',
  slug,
  '--issuer',
  'https://x.example',
  '--client-id',
  'c',
  ...more,
];

/**
 * `npm run admin -- idps add|list|remove|import` as an operator runs it (a process from dist/)
 * on a SQLite store: the secret comes from a file and is never printed, an import is checked
 * whole before anything is written, and wrong input exits non-zero with one line saying why.
 */
// Each command is a new Node process loading the build: seconds apiece on a busy machine.
jest.setTimeout(120_000);

describe('npm run admin -- idps', () => {
  let dir: string;
  let sqlitePath: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const admin = async (args: string[]): Promise<CommandRun> => {
    const run = await runNpmScript('admin', ['idps', ...args], {
      env: envWithoutStore({ NODE_ENV: 'test', SQLITE_PATH: sqlitePath }),
    });
    // The line naming the store (and, the first time, that it is new) is the CLI's, not ours.
    const storeLine = `admin: using SQLite ${sqlitePath}`;
    if (!run.stderr.startsWith(storeLine)) return run;
    return { ...run, stderr: run.stderr.slice(run.stderr.indexOf('\n') + 1) };
  };
  const stored = async () => {
    const store = new SqliteAuthStore(sqlitePath);
    try {
      return (await store.federation.listUpstreams()).map((u) => u.slug);
    } finally {
      await store.close();
    }
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'admin-idps-'));
    sqlitePath = join(dir, 'auth.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds an upstream from options, with the secret from a file, and lists it without the secret', async () => {
    const added = await admin([
      'add',
      'corp',
      '--issuer',
      'https://login.corp.example',
      '--client-id',
      'api-mcp-auth',
      '--client-secret-file',
      file('secret.txt', `${SECRET}\n`),
      '--name',
      'Corp SSO',
      '--domains',
      'corp.example',
      '--jit',
      'on',
      '--rule',
      'weatherget:groups=weather-readers',
    ]);
    expect(added).toEqual({ code: 0, stdout: 'saved corp\n', stderr: '' });

    const table = await admin(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^SLUG\s+NAME\s+ISSUER\s+CLIENT_ID\s+JIT\s+DOMAINS\n/);
    expect(table.stdout).toMatch(
      /corp\s+Corp SSO\s+https:\/\/login\.corp\.example\s+api-mcp-auth\s+yes\s+corp\.example/,
    );
    const json = await admin(['list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        slug: 'corp',
        clientId: 'api-mcp-auth',
        scopeRules: [{ scope: 'weatherget', claim: 'groups', anyOf: ['weather-readers'] }],
      }),
    ]);
    for (const run of [added, table, json]) expect(run.stdout + run.stderr).not.toContain(SECRET);
    expect(json.stdout).not.toContain('clientSecret');
  });

  it('imports nothing when one entry of the file is invalid, and says which', async () => {
    const entry = (slug: string, issuer: string) => ({
      slug,
      displayName: slug,
      issuer,
      clientId: 'c',
      clientSecret: 's',
    });
    const refused = await admin([
      'import',
      file(
        'bad.json',
        JSON.stringify([
          entry('good', 'https://good.example'),
          entry('plain', 'http://idp.example'),
        ]),
      ),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'admin: invalid upstream IdP: issuer: https, or http on localhost only\n',
    );
    expect(await stored()).toEqual(['corp']);

    const imported = await admin([
      'import',
      file(
        'good.json',
        JSON.stringify([entry('one', 'https://one.example'), entry('two', 'https://two.example')]),
      ),
    ]);
    expect(imported).toMatchObject({ code: 0, stdout: 'saved one\nsaved two\n' });
    expect(await stored()).toEqual(['corp', 'one', 'two']);
  });

  it.each<[string, string[], number, RegExp]>([
    ['no secret file', addUpstream('x'), 2, /idps add needs --client-secret-file <path>\n/],
    [
      'a missing secret file',
      addUpstream('x', '--client-secret-file', '/nonexistent/secret'),
      1,
      /cannot read \/nonexistent\/secret/,
    ],
    [
      'a bad slug',
      addUpstream('Not A Slug', '--client-secret-file', SECRET_FILE),
      1,
      /invalid upstream IdP: slug: lowercase letters, digits and -\n/,
    ],
    [
      'a malformed rule',
      addUpstream('x', '--client-secret-file', SECRET_FILE, '--rule', 'weatherget'),
      2,
      /--rule is scope:claim=value/,
    ],
    ['a file that is not JSON', ['import', '/dev/null'], 1, /\/dev\/null is not JSON\n/],
    ['an unknown upstream to remove', ['remove', 'nobody'], 1, /no upstream IdP "nobody"/],
    ['an unknown action', ['rename', 'corp'], 2, /unknown idps command "rename"/],
  ])('refuses %s with a message and a non-zero exit', async (_case, args, code, message) => {
    const run = await admin(args.map((a) => (a === SECRET_FILE ? join(dir, 'secret.txt') : a)));
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^admin: ${message.source}`));
    expect(await stored()).toEqual(['corp', 'one', 'two']);
  });

  it('removes an upstream', async () => {
    expect(await admin(['remove', 'one'])).toEqual({
      code: 0,
      stdout: 'removed one\n',
      stderr: '',
    });
    expect(await stored()).toEqual(['corp', 'two']);
  });
});
