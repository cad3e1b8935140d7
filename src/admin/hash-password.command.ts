import { hashPassword } from '../auth/users/password';
import { describePasswordProblem } from '../auth/users/password-policy';
import { AdminError } from './admin-error';

export interface HashPasswordIo {
  readonly json: boolean;
  out(text: string): void;
  readPassword(): Promise<string>;
}

/**
 * `users hash-password`: a password's hash in the AuthServer's own format, for a users file
 * (USERS_FILE). It opens no store: the file may be written on another machine than the server's.
 */
export async function hashPasswordCommand(
  io: HashPasswordIo,
  args: readonly string[],
): Promise<void> {
  // Whatever follows may be the password itself, typed where shell history and `ps` keep it.
  if (args.length > 0) {
    throw new AdminError(
      'password_input',
      'the password is read from stdin or a prompt, never from arguments (they end up in shell history)',
    );
  }
  const password = await io.readPassword();
  if (!password) throw new AdminError('weak_password', describePasswordProblem('empty'));
  const hash = await hashPassword(password);
  io.out(io.json ? `${JSON.stringify({ passwordHash: hash })}\n` : `${hash}\n`);
}
