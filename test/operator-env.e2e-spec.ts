import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteAuthStore } from '../src/storage/sqlite/sqlite.store';
import { envWithoutStore, runNpmScript } from './support/operator-cli';

const PASSWORD = 'a-long-and-unusual-secret';

/**
 * The operator's commands read `.env` from the directory they run in, as the server does, and
 * name the store they open on stderr: an operator can see that a command changes the server's
 * store and not a default one, and that naming it never prints the database password.
 */
describe('operator commands and .env', () => {
  // Each command is a new Node process loading the build: seconds apiece on a busy machine.
  jest.setTimeout(60_000);
  const dirs: string[] = [];
  const newDir = (withEnvFile: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'operator-env-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.env'), withEnvFile);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('opens the SQLite file .env names, says which, and changes that file', async () => {
    const dir = newDir('SQLITE_PATH=./state/operator.sqlite\n');
    const path = join(dir, 'state', 'operator.sqlite');
    const inDir = { cwd: dir, env: envWithoutStore() };

    const added = await runNpmScript('admin', ['users', 'add', 'olga'], {
      ...inDir,
      stdin: `${PASSWORD}\n`,
    });
    expect(added).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^added user "olga"/) as string,
      stderr: `admin: using SQLite ${path} (a new file: no store was there)\n`,
    });
    const rotated = await runNpmScript('keys', ['rotate'], inDir);
    expect(rotated).toMatchObject({ code: 0, stderr: `admin: using SQLite ${path}\n` });

    const store = new SqliteAuthStore(path);
    try {
      expect(await store.accounts.findUser('olga')).toMatchObject({ origin: 'admin' });
    } finally {
      await store.close();
    }
    // Not the default store under the directory it ran in.
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('lets the environment win over .env, as the server does', async () => {
    const dir = newDir('SQLITE_PATH=./from-env-file.sqlite\n');
    const path = join(dir, 'from-environment.sqlite');

    const run = await runNpmScript('admin', ['users', 'list'], {
      cwd: dir,
      env: envWithoutStore({ SQLITE_PATH: path }),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`admin: using SQLite ${path} (a new file: no store was there)\n`);
    expect(existsSync(join(dir, 'from-env-file.sqlite'))).toBe(false);
  });

  it('names a PostgreSQL store from .env by its URL without the password, and never prints it', async () => {
    const password = 'pw-that-must-stay-out-of-terminals';
    // Port 1 refuses at once: the failure's own output must not reveal the password either.
    const dir = newDir(`DATABASE_URL=postgres://operator:${password}@127.0.0.1:1/auth\n`);

    for (const [script, args] of [
      ['admin', ['users', 'list']],
      ['keys', ['list']],
    ] as const) {
      const run = await runNpmScript(script, args, { cwd: dir, env: envWithoutStore() });
      expect(run.code).not.toBe(0);
      expect(run.stderr.split('\n')[0]).toBe(
        'admin: using PostgreSQL postgres://operator@127.0.0.1:1/auth',
      );
      expect(run.stderr).toContain('ECONNREFUSED');
      expect(`${run.stdout}${run.stderr}`).not.toContain(password);
    }
  });
});
