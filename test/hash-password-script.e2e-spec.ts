import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { isPasswordHash, verifyPassword } from '../src/auth/users/password';

const SCRIPT = join(__dirname, '..', 'scripts', 'hash-password.mjs');

/** Runs the script (from the built dist/, as `npm run hash-password` does) with `stdin`. */
function run(stdin: string, args: string[] = []) {
  const child = spawn(process.execPath, [SCRIPT, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('scripts/hash-password.mjs', () => {
  it('prints a hash of the password on stdin that the AuthServer verifies', async () => {
    const { code, stdout } = await run('correct horse battery stäple\n');

    expect(code).toBe(0);
    const hash = stdout.trim();
    expect(stdout).toBe(`${hash}\n`);
    expect(isPasswordHash(hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stäple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stäple\n', hash)).toBe(false);
  });

  it('takes the password from stdin only, never from arguments', async () => {
    const { code, stdout, stderr } = await run('', ['hunter2']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('read from stdin');
  });

  it('refuses an empty password and more than one line', async () => {
    for (const input of ['', '\n', 'one\ntwo\n']) {
      const { code, stdout } = await run(input);
      expect(code).toBe(1);
      expect(stdout).toBe('');
    }
  });
});
