import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envWithoutStore, runNpmScript, type CommandRun } from './support/operator-cli';

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
const KID = '[A-Za-z0-9_-]{43}';

/**
 * `npm run keys` on an embedded SQLite store: its outputs and exit codes (0 done, 1 refused,
 * 2 wrong command line). Rotation under load, and retiring a key whose tokens expired, are in
 * key-rotation.e2e-spec.ts on PostgreSQL.
 */
describe('npm run keys', () => {
  // Each command is a new Node process loading the build: seconds apiece on a busy machine.
  jest.setTimeout(120_000);
  let dir: string;
  let path: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
    path = join(dir, 'auth.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const keysOn = async (store: string, args: readonly string[]): Promise<CommandRun> => {
    const run = await runNpmScript('keys', args, {
      cwd: dir,
      env: envWithoutStore({ SQLITE_PATH: store }),
    });
    // The line naming the store is operator-env.e2e-spec.ts's subject.
    return { ...run, stderr: run.stderr.replace(/^admin: using SQLite .*\n/, '') };
  };
  const keys = (...args: string[]) => keysOn(path, args);

  it('lists, rotates and refuses as before, with the exit codes scripts rely on', async () => {
    const first = await keys('list');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      new RegExp(`^kid +state +created +activates +retires\n${KID} +active +${ISO} +always +-\n$`),
    );
    const original = first.stdout.split('\n')[1]!.split(' ')[0]!;

    const rotated = await keys('rotate');
    expect(rotated).toMatchObject({ code: 0, stderr: '' });
    const [, added = ''] =
      new RegExp(`^rotated: (${KID}) is published now and signs from ${ISO}\n$`).exec(
        rotated.stdout,
      ) ?? [];
    expect(added).not.toBe('');

    expect(await keys('rotate')).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(
        new RegExp(`^admin: refused: ${added} is already pending until ${ISO}\n$`),
      ) as string,
    });
    const listed = await keys('list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      // With a successor pending, the active key's retirement is known.
      expect.objectContaining({
        kid: original,
        state: 'active',
        retiresAt: expect.any(Number) as number,
      }),
      expect.objectContaining({ kid: added, state: 'pending', retiresAt: null }),
    ]);

    expect(await keys('retire')).toEqual({ code: 0, stdout: 'nothing to retire\n', stderr: '' });
    expect(await keys('retire', added)).toEqual({
      code: 1,
      stdout: '',
      stderr: `admin: refused: ${added} is pending; tokens it signed may be valid until -\n`,
    });
    expect(await keys('retire', 'no-such-kid')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'admin: refused: no key no-such-kid\n',
    });
  });

  it('answers a wrong command line with the usage and exit code 2, opening no store', async () => {
    const untouched = join(dir, 'untouched.sqlite');
    for (const args of [[], ['spin'], ['rotate', 'extra'], ['list', 'x'], ['retire', 'a', 'b']]) {
      const run = await keysOn(untouched, args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(/^admin: .*\nusage: npm run admin/);
    }
    expect(existsSync(untouched)).toBe(false);
  });
});
