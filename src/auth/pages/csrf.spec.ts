import { CsrfTokens } from './csrf';

describe('CsrfTokens', () => {
  const tokens = new CsrfTokens('server-key-1');

  it('accepts the token issued for the same interaction', () => {
    expect(tokens.verify('uid-1', tokens.issue('uid-1'))).toBe(true);
  });

  it('is stable per interaction and key, so a re-rendered form still verifies', () => {
    expect(new CsrfTokens('server-key-1').issue('uid-1')).toBe(tokens.issue('uid-1'));
  });

  it('refuses a token issued for another interaction', () => {
    expect(tokens.verify('uid-2', tokens.issue('uid-1'))).toBe(false);
  });

  it('refuses a token issued under another key', () => {
    expect(tokens.verify('uid-1', new CsrfTokens('server-key-2').issue('uid-1'))).toBe(false);
  });

  it('refuses a tampered token and one of another length without throwing', () => {
    const token = tokens.issue('uid-1');
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

    expect(tokens.verify('uid-1', flipped)).toBe(false);
    expect(tokens.verify('uid-1', token.slice(1))).toBe(false);
    expect(tokens.verify('uid-1', `${token}x`)).toBe(false);
    expect(tokens.verify('uid-1', '')).toBe(false);
  });

  it.each([undefined, null, 42, [], {}])('refuses a non-string token (%p)', (value) => {
    expect(tokens.verify('uid-1', value)).toBe(false);
  });

  it('refuses an array holding the right token, as a repeated form field would arrive', () => {
    expect(tokens.verify('uid-1', [tokens.issue('uid-1')])).toBe(false);
  });

  it('keeps session tokens apart from interaction tokens of the same id', () => {
    expect(tokens.verifyForSession('s-1', tokens.issueForSession('s-1'))).toBe(true);
    expect(tokens.verifyForSession('s-2', tokens.issueForSession('s-1'))).toBe(false);
    // An interaction's token is no account-page token, even for an equal id, and vice versa.
    expect(tokens.verifyForSession('x', tokens.issue('x'))).toBe(false);
    expect(tokens.verify('x', tokens.issueForSession('x'))).toBe(false);
  });
});
