export type JsonObject = { readonly [key: string]: unknown };

export interface DecodedJwt {
  readonly header: JsonObject;
  readonly claims: JsonObject;
  /** Present but not verified: the SPA only displays tokens, the servers verify them. */
  readonly signature: string;
}

export type JwtErrorCode = 'ERR_JWT_FORMAT' | 'ERR_JWT_BASE64URL' | 'ERR_JWT_UTF8' | 'ERR_JWT_JSON';

export class JwtDecodeError extends Error {
  override readonly name = 'JwtDecodeError';
  constructor(
    readonly code: JwtErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url without padding (RFC 7515 §2, RFC 4648 §5) to bytes. */
export function base64UrlToBytes(input: string): Uint8Array {
  // A single leftover character cannot encode a whole byte, so such input is corrupt.
  if (!BASE64URL.test(input) || input.length % 4 === 1) {
    throw new JwtDecodeError('ERR_JWT_BASE64URL', 'not valid base64url');
  }
  const base64 = input.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function base64UrlToText(input: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(base64UrlToBytes(input));
  } catch (error) {
    if (error instanceof JwtDecodeError) throw error;
    throw new JwtDecodeError('ERR_JWT_UTF8', 'not valid UTF-8');
  }
}

function jsonObject(segment: string, part: 'header' | 'claims'): JsonObject {
  const text = base64UrlToText(segment);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwtDecodeError('ERR_JWT_JSON', `the ${part} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtDecodeError('ERR_JWT_JSON', `the ${part} is not a JSON object`);
  }
  return value as JsonObject;
}

/** Splits a JWS compact serialization (RFC 7515 §7.1) and decodes header and claims. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw new JwtDecodeError(
      'ERR_JWT_FORMAT',
      parts.length === 5
        ? 'an encrypted JWT (JWE) cannot be read by the browser'
        : 'not a JWT: expected three dot-separated parts',
    );
  }
  const [header = '', claims = '', signature = ''] = parts;
  return {
    header: jsonObject(header, 'header'),
    claims: jsonObject(claims, 'claims'),
    signature,
  };
}

/** A numeric claim such as `exp` (seconds since the epoch, RFC 7519 §2), if present. */
export function numericClaim(claims: JsonObject, name: string): number | undefined {
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
