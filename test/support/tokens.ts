import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { loadKeyset } from '../../src/auth/keys/keyset.store';
import type { TestSystem } from './system';

/** The one access-token forger of the test suites: specs and e2e tests craft tokens here. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: Parameters<SignJWT['sign']>[0];
  readonly publicJwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface TokenOptions {
  readonly typ?: string;
  /** Overrides the key's own kid in the header. */
  readonly kid?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
}

/** An RS256 access token (RFC 9068 shape) with `claims` over a fresh jti, iat and exp. */
export function signAccessToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  options: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    iat: now,
    exp: now + (options.expiresIn ?? 300),
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: options.typ ?? 'at+jwt', kid: options.kid ?? key.kid })
    .sign(key.privateKey);
}

/** The running AuthServer's own signing key, read from its store. */
async function serverSigningKey(sys: TestSystem): Promise<SigningKey> {
  if (!sys.system.store) throw new Error('forging a token needs a system that opened the store');
  const { keyset } = await loadKeyset(sys.system.store, Math.floor(Date.now() / 1000));
  // The test systems never rotate: their one key is the active key.
  const jwk: JWK = keyset.keys[0]!.jwk;
  const privateKey = await importJWK(jwk, 'RS256');
  return { kid: jwk.kid!, privateKey, publicJwk: jwk };
}

/**
 * A token for the test system's API as the AuthServer would sign it (or, with
 * `key: 'foreign'`, as an impostor would), to craft edge cases the AuthServer never issues.
 */
export async function forgeAccessToken(
  sys: TestSystem,
  claims: Record<string, unknown>,
  options: TokenOptions & { readonly key?: 'server' | 'foreign' } = {},
): Promise<string> {
  const server = await serverSigningKey(sys);
  const key = options.key === 'foreign' ? await newSigningKey(server.kid) : server;
  const defaults = {
    iss: sys.urls.issuer,
    aud: sys.urls.api,
    sub: '818727',
    client_id: 'interactive',
    scope: 'weatherget',
  };
  return signAccessToken(key, { ...defaults, ...claims }, options);
}

export function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(claims)}.`;
}

/** Changes claims but keeps the old signature, which then no longer matches. */
export function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const forged = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}
