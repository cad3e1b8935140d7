import { isPasswordHash, verifyPassword } from '../src/auth/users/password';
import { runNpmScript } from './support/operator-cli';

/** `npm run hash-password` (`admin users hash-password`, from the built dist/) with `stdin`. */
const run = (stdin: string, args: string[] = []) => runNpmScript('hash-password', args, { stdin });

describe('npm run hash-password', () => {
  it('prints a hash of the password on stdin that the AuthServer verifies', async () => {
    const { code, stdout, stderr } = await run('correct horse battery stäple\n');

    expect(code).toBe(0);
    // It opens no store, so it names none: the users file may be made on another machine.
    expect(stderr).toBe('');
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
