import { describe, expect, it } from 'vitest';
import { base64UrlToBytes, base64UrlToText, decodeJwt, JwtDecodeError, numericClaim } from './jwt';

/** Test-side encoder (TextEncoder + btoa), written apart from the decoder under test. */
function b64url(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  const base64 = btoa(String.fromCharCode(...bytes));
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function jwt(header: object, claims: object, signature = 'c2ln'): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof JwtDecodeError ? error.code : `not a JwtDecodeError: ${String(error)}`;
  }
  return undefined;
}

describe('base64url', () => {
  it('decodes every padding length', () => {
    for (const text of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) {
      expect(base64UrlToText(b64url(text))).toBe(text);
    }
  });

  it('uses - and _ where base64 has + and /', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(b64url(bytes)).toBe('-_-_');
    expect(Array.from(base64UrlToBytes('-_-_'))).toEqual([0xfb, 0xff, 0xbf]);
  });

  it('decodes multi-byte UTF-8', () => {
    const text = 'Zoë 🌦 東京 Ångström';
    expect(base64UrlToText(b64url(text))).toBe(text);
  });

  it('rejects base64 padding, + and /, and impossible lengths', () => {
    expect(codeOf(() => base64UrlToBytes('Zm9v='))).toBe('ERR_JWT_BASE64URL');
    expect(codeOf(() => base64UrlToBytes('a+b/'))).toBe('ERR_JWT_BASE64URL');
    expect(codeOf(() => base64UrlToBytes('abcde'))).toBe('ERR_JWT_BASE64URL');
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(codeOf(() => base64UrlToText(b64url(new Uint8Array([0xc3, 0x28]))))).toBe(
      'ERR_JWT_UTF8',
    );
  });
});

describe('decodeJwt', () => {
  it('returns header, claims and the untouched signature', () => {
    const token = jwt(
      { alg: 'RS256', kid: 'k1' },
      { sub: 'alice', name: 'Ålice 🌤', exp: 1700000000 },
      'sig-_',
    );
    const decoded = decodeJwt(token);
    expect(decoded.header).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(decoded.claims).toEqual({ sub: 'alice', name: 'Ålice 🌤', exp: 1700000000 });
    expect(decoded.signature).toBe('sig-_');
  });

  it('names what is wrong with malformed tokens', () => {
    expect(codeOf(() => decodeJwt('opaque-refresh-token'))).toBe('ERR_JWT_FORMAT');
    expect(codeOf(() => decodeJwt('a.b.c.d.e'))).toBe('ERR_JWT_FORMAT');
    expect(codeOf(() => decodeJwt(`${b64url('{"alg":"none"}')}.$$$.x`))).toBe('ERR_JWT_BASE64URL');
    expect(codeOf(() => decodeJwt(`${b64url('{"alg":')}.${b64url('{}')}.x`))).toBe('ERR_JWT_JSON');
    expect(codeOf(() => decodeJwt(`${b64url('{}')}.${b64url('[1,2]')}.x`))).toBe('ERR_JWT_JSON');
    expect(codeOf(() => decodeJwt(`${b64url('null')}.${b64url('{}')}.x`))).toBe('ERR_JWT_JSON');
  });

  it('explains that a JWE cannot be read', () => {
    expect(() => decodeJwt('a.b.c.d.e')).toThrow(/encrypted/);
  });
});

describe('numericClaim', () => {
  it('returns finite numbers only', () => {
    expect(numericClaim({ exp: 12 }, 'exp')).toBe(12);
    expect(numericClaim({ exp: '12' }, 'exp')).toBeUndefined();
    expect(numericClaim({}, 'exp')).toBeUndefined();
  });
});
