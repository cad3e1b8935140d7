import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ConcurrencyLimit } from './concurrency-limit';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

// One of OWASP's equivalent scrypt minimums (N=2^14, r=8, p=5): 16 MiB per hash instead of 128.
const PARAMS = { N: 2 ** 14, r: 8, p: 5, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
/**
 * scrypt runs on libuv's thread pool (4 threads by default), which file access and DNS share. A
 * burst of sign-ins may hold at most half of it; the rest queue here instead of starving
 * everything else.
 */
const verifications = new ConcurrencyLimit(2);

/** `scrypt$N$r$p$salt$hash`, base64url parts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, PARAMS);
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

/** False for a wrong password and for anything not produced by hashPassword; never throws. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  let actual: Buffer;
  try {
    actual = await verifications.run(() =>
      scrypt(password, parsed.salt, KEY_LENGTH, {
        N: parsed.N,
        r: parsed.r,
        p: parsed.p,
        maxmem: PARAMS.maxmem,
      }),
    );
  } catch {
    return false;
  }
  return timingSafeEqual(actual, parsed.key);
}

/**
 * Whether `encoded` is in hashPassword's format with parameters verifyPassword accepts, so a
 * stored hash can be checked once at start-up instead of failing every sign-in later.
 */
export function isPasswordHash(encoded: string): boolean {
  return parseHash(encoded) !== undefined;
}

const DECIMAL = /^[1-9]\d{0,9}$/;
const BASE64URL = /^[\w-]+$/;

function parseHash(encoded: string) {
  const parts = encoded.split('$');
  const [scheme, n, r, p, salt, key] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt') return undefined;
  if (!n || !r || !p || !DECIMAL.test(n) || !DECIMAL.test(r) || !DECIMAL.test(p)) return undefined;
  if (!salt || !key || !BASE64URL.test(salt) || !BASE64URL.test(key)) return undefined;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  // OpenSSL refuses parameters needing more than maxmem (128·r·p bytes for B plus 128·r·(N+2)
  // for V), and N must be a power of two above 1 (RFC 7914 §2); the first check keeps N small
  // enough for 32-bit bitwise arithmetic.
  if (128 * params.r * (params.p + params.N + 2) > PARAMS.maxmem) return undefined;
  if (params.N < 2 || (params.N & (params.N - 1)) !== 0) return undefined;
  const expected = Buffer.from(key, 'base64url');
  // A shorter key is a prefix of the full one, and an empty key matches every password.
  if (expected.length !== KEY_LENGTH) return undefined;
  return { ...params, salt: Buffer.from(salt, 'base64url'), key: expected };
}
