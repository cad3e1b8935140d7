/** Long enough to resist guessing at the login throttle's pace; NIST SP 800-63B §3.1.1.2. */
export const MIN_PASSWORD_LENGTH = 12;
/** scrypt hashes any length, but nobody types more; caps the work per sign-in too. */
export const MAX_PASSWORD_LENGTH = 256;

/** A short list of the passwords tried first; with the length rule it stops the obvious. */
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  'qwertyuiopas',
  'password1234',
  'passwordpassword',
  'administrator',
  'letmeinletmein',
  'iloveyou1234',
  'welcome12345',
  'changemechangeme',
  'qwerty123456',
  'aaaaaaaaaaaa',
]);

export type PasswordProblem = 'empty' | 'too_short' | 'too_long' | 'common' | 'is_username';

/** What is wrong with a new password, if anything (checked when it is set, never at sign-in). */
export function passwordProblem(password: string, username: string): PasswordProblem | undefined {
  if (!password) return 'empty';
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  const folded = password.toLowerCase();
  if (folded.includes(username.trim().toLowerCase())) return 'is_username';
  if (COMMON.has(folded) || /^(.)\1*$/u.test(password)) return 'common';
  return undefined;
}

export function describePasswordProblem(problem: PasswordProblem): string {
  switch (problem) {
    case 'empty':
      return 'the password is empty';
    case 'too_short':
      return `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`;
    case 'too_long':
      return `the password is too long: use at most ${MAX_PASSWORD_LENGTH} characters`;
    case 'common':
      return 'the password is too common: choose one nobody would guess';
    case 'is_username':
      return 'the password contains the username: choose another';
  }
}
