import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/** Client assertion algorithms (RFC 7523 §2.2) oidc-provider accepts by default, per key type. */
export type ClientKeyAlg = 'RS256' | 'ES256' | 'Ed25519';

/** A public JWK as the AuthServer registers it for `private_key_jwt`. */
export interface PublicClientJwk {
  readonly kty: string;
  readonly kid: string;
  readonly alg: ClientKeyAlg;
  readonly [member: string]: unknown;
}

/** The MCP server's own key for `private_key_jwt`: the private JWK stays in this process. */
export interface ClientPrivateKey {
  readonly privateJwk: Readonly<Record<string, unknown>>;
  readonly publicJwk: PublicClientJwk;
}

type Loaded<T> = { readonly key: T } | { readonly problem: string };

/**
 * Reads a private key (PKCS#8/PKCS#1/SEC1 PEM, or a JWK or a one-key JWKS) for the MCP
 * server's client authentication. In production a file that group or others may read is
 * refused: the key is the client's whole credential, like a secret.
 */
export function loadClientPrivateKey(
  variable: string,
  file: string,
  production: boolean,
): Loaded<ClientPrivateKey> {
  const text = readKeyFile(variable, file);
  if (typeof text !== 'string') return text;
  if (production && (statSync(file).mode & 0o077) !== 0) {
    return { problem: `${variable} ${file} is readable by group or others (chmod 600 it)` };
  }
  let privateKey: KeyObject;
  try {
    const jwk = jwkIn(text);
    privateKey = jwk ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPrivateKey(text);
  } catch {
    return { problem: `${variable} ${file} holds no private key (PEM or JWK)` };
  }
  const publicJwk = publicJwkOf(variable, createPublicKey(privateKey), kidIn(text));
  if ('problem' in publicJwk) return publicJwk;
  const privateJwk = privateKey.export({ format: 'jwk' });
  return { key: { privateJwk: { ...privateJwk, ...publicJwk.key }, publicJwk: publicJwk.key } };
}

/** The public part of a key file, which may hold the public key alone or the private key. */
export function loadClientPublicKey(variable: string, file: string): Loaded<PublicClientJwk> {
  const text = readKeyFile(variable, file);
  if (typeof text !== 'string') return text;
  let publicKey: KeyObject;
  try {
    const jwk = jwkIn(text);
    publicKey = jwk ? createPublicKey({ key: jwk, format: 'jwk' }) : createPublicKey(text);
  } catch {
    return { problem: `${variable} ${file} holds no public or private key (PEM or JWK)` };
  }
  return publicJwkOf(variable, publicKey, kidIn(text));
}

function readKeyFile(variable: string, file: string): string | { readonly problem: string } {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return { problem: `${variable} cannot read ${file}` };
  }
}

/** The one JWK of a JWK or JWKS document; undefined for PEM text. */
function jwkIn(text: string): (Record<string, unknown> & { kty: string }) | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  const value = JSON.parse(text) as unknown;
  const jwk =
    value && typeof value === 'object' && 'keys' in value && Array.isArray(value.keys)
      ? value.keys.length === 1
        ? (value.keys[0] as unknown)
        : undefined
      : value;
  if (!jwk || typeof jwk !== 'object' || !('kty' in jwk) || typeof jwk.kty !== 'string') {
    throw new Error('not one JWK');
  }
  return jwk as Record<string, unknown> & { kty: string };
}

function kidIn(text: string): string | undefined {
  try {
    const kid = jwkIn(text)?.kid;
    return typeof kid === 'string' && kid ? kid : undefined;
  } catch {
    return undefined;
  }
}

function publicJwkOf(
  variable: string,
  key: KeyObject,
  kid: string | undefined,
): Loaded<PublicClientJwk> {
  const jwk = key.export({ format: 'jwk' });
  const alg = algOf(jwk);
  if (!alg) return { problem: `${variable} must hold an RSA, EC P-256 or Ed25519 key` };
  if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    return { problem: `${variable} RSA keys must have at least 2048 bits` };
  }
  return { key: { ...jwk, kty: jwk.kty!, alg, kid: kid ?? thumbprint(jwk) } };
}

function algOf(jwk: { kty?: string; crv?: string }): ClientKeyAlg | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'Ed25519';
  return undefined;
}

/** RFC 7638 §3: the SHA-256 of the required members, in lexicographic order, no whitespace. */
function thumbprint(jwk: Record<string, unknown>): string {
  const members: Record<string, readonly string[]> = {
    RSA: ['e', 'kty', 'n'],
    EC: ['crv', 'kty', 'x', 'y'],
    OKP: ['crv', 'kty', 'x'],
  };
  const required = members[String(jwk.kty)] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(required.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}
