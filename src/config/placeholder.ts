/**
 * Values that example files and tutorials ship for the operator to replace. Such a value is
 * public: a production process that kept one (an example env file copied unchanged) would sign
 * cookies and authenticate clients with a secret anyone can read. Compared without case and
 * separators, so `change-me`, `CHANGE_ME` and `changeme` are one.
 */
const PLACEHOLDER_PHRASES = ['changeme', 'changethis', 'replaceme', 'placeholder', 'yoursecret'];
const PLACEHOLDER_VALUES = new Set([
  'secret',
  'password',
  'changeit',
  'default',
  'example',
  'todo',
]);

export function isPlaceholder(value: string): boolean {
  const folded = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    PLACEHOLDER_VALUES.has(folded) || PLACEHOLDER_PHRASES.some((phrase) => folded.includes(phrase))
  );
}

/** Whether a database URL's password is a placeholder; a URL without one has none. */
export function hasPlaceholderPassword(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { password } = new URL(url);
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed escape: judged as written.
  }
  return password !== '' && isPlaceholder(decoded);
}

// The messages leave the value out: a false alarm on a real secret must not log it.
const HOW = 'set a random value of your own (e.g. `openssl rand -base64 32`)';
export const PLACEHOLDER_PROBLEM = `must not be a placeholder such as change-me in production: ${HOW}`;
export const PLACEHOLDER_KEY_PROBLEM = `must not hold a placeholder such as change-me in production: ${HOW}`;
export const PLACEHOLDER_PASSWORD_PROBLEM =
  'must not hold a placeholder password such as change-me in production: use a database password of your own';
