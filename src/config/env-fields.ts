import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * zod fields for environment variables. An empty or blank variable counts as unset, so
 * `FOO=` in a .env file means "the default". Messages leave the variable's name out: the
 * problem list puts it in front.
 */
function unsetIfBlank(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

export function optionalText() {
  return z.preprocess(unsetIfBlank, z.string().trim().optional());
}

export function text(fallback: string) {
  return z.preprocess(unsetIfBlank, z.string().trim().default(fallback));
}

export function absolutePath(fallback: string) {
  return text(fallback).transform((path) => resolve(path));
}

export function integer(fallback: number, min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `must be an integer in [${min}, ${max}], got ${String(issue.input)}`;
  return z.preprocess(
    unsetIfBlank,
    z
      .string()
      .regex(/^-?\d+$/, { error })
      .transform(Number)
      .pipe(z.number().min(min, { error }).max(max, { error }))
      .default(fallback),
  );
}

export function boolean(fallback: boolean) {
  return z.preprocess(
    unsetIfBlank,
    z
      .stringbool({ error: (issue) => `must be a boolean, got ${String(issue.input)}` })
      .default(fallback),
  );
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
) {
  return z.preprocess(
    unsetIfBlank,
    z
      .enum(values, {
        error: (issue) => `must be one of ${values.join(', ')}, got ${String(issue.input)}`,
      })
      .default(fallback),
  );
}

/** A comma-separated list; empty entries (a trailing comma) are dropped. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * An http(s) URL without query or fragment, trailing slashes removed: the issuer is compared
 * byte for byte (RFC 8414 §3.3) and resource identifiers too (RFC 8707 §2).
 */
export function httpUrl(fallback: string) {
  return text(fallback).pipe(httpUrlText());
}

export function optionalHttpUrl() {
  return optionalText().pipe(httpUrlText().optional());
}

function httpUrlText() {
  return z
    .string()
    .refine((raw) => URL.canParse(raw), {
      error: (issue) => `is not a URL: ${String(issue.input)}`,
      abort: true,
    })
    .refine((raw) => ['http:', 'https:'].includes(new URL(raw).protocol), {
      error: (issue) => `must be an http(s) URL, got ${String(issue.input)}`,
    })
    .refine((raw) => !new URL(raw).search && !new URL(raw).hash, {
      error: 'must not have a query or fragment',
    })
    .transform(withoutTrailingSlashes);
}

export function withoutTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value[end - 1] === '/') end--;
  return value.slice(0, end);
}

const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A bind address: an IP address or an RFC 1123 host name. */
export function isHostOrIp(value: string): boolean {
  if (isIP(value)) return true;
  if (value.length > 253) return false;
  return value.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

/** An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
export function isIpOrCidr(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return false;
  if (slash === -1) return true;
  const prefix = value.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
