import { VerifiedTokens, type VerifiedToken } from './verified-tokens';

const entry = (expiresAt: number): VerifiedToken => ({
  principal: { sub: 's', clientId: 'c', scope: '', scopes: [], audience: ['a'], expiresAt: 0 },
  jti: 'j',
  grantId: undefined,
  expiresAt,
});

describe('VerifiedTokens', () => {
  it('answers until exp and never at or after it', () => {
    const cache = new VerifiedTokens(10_000);
    cache.put('t', entry(1_000), 0);

    expect(cache.get('t', 999)).toBeDefined();
    expect(cache.get('t', 1_000)).toBeUndefined();
    // The expired entry is gone, not just hidden.
    expect(cache.size).toBe(0);
  });

  it('refuses to hold an entry already expired', () => {
    const cache = new VerifiedTokens(10_000);
    cache.put('t', entry(1_000), 1_000);
    expect(cache.size).toBe(0);
  });

  it('stays within its bound by dropping the least recently used token', () => {
    const cache = new VerifiedTokens(2);
    cache.put('a', entry(9_999), 0);
    cache.put('b', entry(9_999), 0);
    cache.get('a', 1);
    cache.put('c', entry(9_999), 1);

    expect(cache.size).toBe(2);
    expect(cache.get('b', 2)).toBeUndefined();
    expect(cache.get('a', 2)).toBeDefined();
    expect(cache.get('c', 2)).toBeDefined();
  });

  it('keys by the whole token: a token differing in one character is a miss', () => {
    const cache = new VerifiedTokens(10_000);
    cache.put('header.payload.signature', entry(9_999), 0);
    expect(cache.get('header.payload.signaturf', 1)).toBeUndefined();
  });
});
