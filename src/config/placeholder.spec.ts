import { hasPlaceholderPassword, isPlaceholder } from './placeholder';

describe('isPlaceholder', () => {
  it.each([
    'change-me',
    'CHANGE_ME',
    'changeme',
    'change-me-to-at-least-32-random-characters',
    'please-replace-me',
    'your-secret-here',
    'PLACEHOLDER',
    'secret',
    'Password',
    'changeit',
  ])('knows %s for a value to replace', (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it.each([
    'mcpclient_secret',
    'a-production-secret-for-m2m',
    'kR1x_3vQp9Lw0ZbT8sYc2NdJ5hGm7uAe',
    'c2VjcmV0cGFzc3dvcmQ=',
    'k'.repeat(32),
  ])('leaves %s alone', (value) => {
    expect(isPlaceholder(value)).toBe(false);
  });
});

describe('hasPlaceholderPassword', () => {
  it('reads the password of the URL, percent-decoded', () => {
    expect(hasPlaceholderPassword('postgres://u:change-me@h/db')).toBe(true);
    expect(hasPlaceholderPassword('postgres://u:change%2Dme@h/db')).toBe(true);
    expect(hasPlaceholderPassword('postgres://u:Xk2-9pQ@h/db')).toBe(false);
  });

  it('finds none in a URL without a password, or that does not parse', () => {
    expect(hasPlaceholderPassword('postgres://change-me@h/db')).toBe(false);
    expect(hasPlaceholderPassword('not a url change-me')).toBe(false);
  });
});
