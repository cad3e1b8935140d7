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

  it('drops expired tokens nobody asks for again, without waiting for its bound', () => {
    const cache = new VerifiedTokens(10_000);
    for (let i = 0; i < 100; i += 1) cache.put(`old${i}`, entry(1_000 + i), i);
    expect(cache.size).toBe(100);

    // One token lifetime later, every earlier token is dead: the next insert clears them.
    cache.put('new', entry(3_000), 2_000);
    expect(cache.size).toBe(1);
    expect(cache.get('new', 2_001)).toBeDefined();
  });

  it('keeps a token in use past the expiry of tokens issued before it', () => {
    const cache = new VerifiedTokens(10_000);
    cache.put('a', entry(1_000), 0);
    cache.put('b', entry(5_000), 1);
    cache.get('a', 2);
    cache.put('c', entry(6_000), 1_500);
    // 'b' is the coldest and still live, so the sweep stops there; 'a' died at 1 000.
    expect(cache.get('b', 1_501)).toBeDefined();
    expect(cache.get('c', 1_501)).toBeDefined();
    expect(cache.get('a', 1_501)).toBeUndefined();
  });
});
