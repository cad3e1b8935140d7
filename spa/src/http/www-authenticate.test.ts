import { describe, expect, it } from 'vitest';
import { bearerChallenge, parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it('reads an RFC 6750 insufficient_scope challenge', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="api", error="insufficient_scope", error_description="The request requires higher privileges", scope="weatherget"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'api',
          error: 'insufficient_scope',
          error_description: 'The request requires higher privileges',
          scope: 'weatherget',
        },
      },
    ]);
  });

  it('handles token values, odd spacing, escapes and commas inside quotes', () => {
    expect(
      parseWwwAuthenticate('Bearer  error=invalid_token ,error_description="a \\"b\\", c"'),
    ).toEqual([
      { scheme: 'bearer', params: { error: 'invalid_token', error_description: 'a "b", c' } },
    ]);
  });

  it('splits several challenges and lower-cases schemes and names', () => {
    const challenges = parseWwwAuthenticate(
      'Basic realm="x", Bearer Resource_Metadata="http://localhost:8010/.well-known/oauth-protected-resource/mcp", DPoP algs="ES256 PS256"',
    );
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'bearer', 'dpop']);
    expect(challenges[1]?.params).toEqual({
      resource_metadata: 'http://localhost:8010/.well-known/oauth-protected-resource/mcp',
    });
    expect(challenges[2]?.params).toEqual({ algs: 'ES256 PS256' });
  });

  it('accepts a bare scheme and a token68 credential form', () => {
    expect(parseWwwAuthenticate('Bearer')).toEqual([{ scheme: 'bearer', params: {} }]);
    expect(parseWwwAuthenticate('Negotiate abc+/==, Bearer scope="a b"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'bearer', params: { scope: 'a b' } },
    ]);
  });

  it('returns nothing for missing or garbage headers, and keeps what it read before garbage', () => {
    expect(parseWwwAuthenticate(null)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('"quoted"')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer error="unterminated')).toEqual([
      { scheme: 'bearer', params: {} },
    ]);
  });
});

describe('bearerChallenge', () => {
  it('finds the Bearer challenge among others, case-insensitively', () => {
    expect(bearerChallenge('Basic realm="x", BEARER scope="weatherget"')?.params.scope).toBe(
      'weatherget',
    );
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
  });
});
