import type { IDToken } from 'openid-client';
import { FederationError } from './federation.error';
import type { UpstreamClaims } from './scope-rules';
import type { UpstreamIdp } from './upstream-idp';

/** The upstream's ID token claims we use, each checked for type and capped in size. */
export interface UpstreamIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | undefined;
  readonly emailVerified: boolean;
  readonly name: string | undefined;
  /** The claims the upstream's scope rules read, for consent (and shown to the user there). */
  readonly ruleClaims: UpstreamClaims;
}

const MAX_TEXT = 256;
const MAX_LIST = 100;

function text(value: unknown, max = MAX_TEXT): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

function list(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return text(value);
  if (!Array.isArray(value)) return undefined;
  return value
    .slice(0, MAX_LIST)
    .map((v) => text(v))
    .filter((v): v is string => v !== undefined);
}

/** openid-client has checked iss, aud, exp, nonce and the signature; we check the shapes. */
export function upstreamIdentity(idp: UpstreamIdp, claims: IDToken): UpstreamIdentity {
  // OpenID Connect Core §2: `sub` is at most 255 ASCII characters.
  const subject = text(claims.sub, 255);
  if (!subject) throw new FederationError('invalid_id_token', 'The ID token names no subject.');
  const ruleClaims: Record<string, string | string[]> = {};
  for (const rule of idp.scopeRules) {
    const value = list(claims[rule.claim]);
    if (value !== undefined) ruleClaims[rule.claim] = value;
  }
  return {
    issuer: claims.iss,
    subject,
    // RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address fits in it.
    email: text(claims.email)?.toLowerCase(),
    emailVerified: claims.email_verified === true,
    name: text(claims.name),
    ruleClaims,
  };
}
