import { narrowScope } from './token-exchange.request';

describe('narrowScope (RFC 8693 scope of an exchanged token)', () => {
  const target = ['weatherget', 'weatherwrite'];

  it('gives what the subject token held of the target, when no scope is asked for', () => {
    expect(narrowScope('openid weatherget', target, undefined)).toBe('weatherget');
  });

  it('gives exactly what was asked for, within what the subject token held', () => {
    expect(narrowScope('weatherget weatherwrite', target, ['weatherwrite'])).toBe('weatherwrite');
  });

  it('refuses a scope the subject token did not hold', () => {
    expect(() => narrowScope('weatherget', target, ['weatherwrite'])).toThrow(
      expect.objectContaining({ error: 'invalid_scope' }) as Error,
    );
  });

  it.each([
    ['an empty scope parameter', 'weatherget', []],
    ['a subject token holding none of the target', 'openid profile', undefined],
  ])('never issues a token without a scope: %s', (_, held, requested) => {
    expect(() => narrowScope(held, target, requested)).toThrow(
      expect.objectContaining({ error: 'invalid_scope' }) as Error,
    );
  });
});
