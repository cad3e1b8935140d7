import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { loadKeyset } from '../../src/auth/keys/keyset.store';
import { TestSystem } from './system';

/** Signs access tokens with the AuthServer's own key, to craft edge cases it would not issue. */
export async function forgeAccessToken(
  sys: TestSystem,
  claims: Record<string, unknown>,
  options: { key?: 'server' | 'foreign'; kid?: string; typ?: string; expiresIn?: number } = {},
): Promise<string> {
  const { keyset } = await loadKeyset(sys.system.shared.store, Math.floor(Date.now() / 1000));
  // The test systems never rotate: their one key is the active key.
  const serverJwk: JWK = keyset.keys[0]!.jwk;
  const key =
    options.key === 'foreign'
      ? (await generateKeyPair('RS256')).privateKey
      : await importJWK(serverJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: sys.urls.issuer,
    aud: sys.urls.api,
    sub: '818727',
    client_id: 'interactive',
    scope: 'weatherget',
    jti: `forged-${Math.random().toString(36).slice(2)}`,
    iat: now,
    exp: now + (options.expiresIn ?? 300),
    ...claims,
  })
    .setProtectedHeader({
      alg: 'RS256',
      typ: options.typ ?? 'at+jwt',
      kid: options.kid ?? serverJwk.kid,
    })
    .sign(key);
}

export function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(claims)}.`;
}

export function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const forged = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}
