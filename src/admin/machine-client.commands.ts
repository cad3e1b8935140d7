import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { JWT_BEARER_GRANT } from '../auth/catalog/grant-types';
import { operatorClientSchema, type OperatorClient } from '../auth/provider/operator-clients';
import { AdminError } from './admin-error';
import { print, type AdminContext } from './admin-context';

/** Ids a person types and every log shows: no URL (those are metadata-document clients). */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * `clients add <id> (--key-file <file> | --jwks-uri <url> | --secret) [--grant jwt-bearer]
 * --resource <uri> --scope "<scopes>"`: a confidential machine client (SEP-1046), stored so
 * every replica serves it at once. A generated secret is printed once; keys stay the client's.
 */
export async function addMachineClient(context: AdminContext, clientId: string): Promise<void> {
  if (!CLIENT_ID.test(clientId)) {
    throw new AdminError('usage', 'a client_id is 1-64 letters, digits, ".", "_" or "-"');
  }
  if (context.seedClientIds.includes(clientId)) {
    throw new AdminError('exists', `"${clientId}" is configured in code`);
  }
  const option = (name: string) => context.options.get(name);
  const grant = grantOf(option('--grant'));
  const { resource, scopes } = allowedTarget(context, option('--resource'), option('--scope'));
  const credential = await credentialOf(context);
  const parsed = operatorClientSchema.safeParse({
    clientId,
    name: option('--name') ?? clientId,
    resources: [resource],
    scopes,
    grant,
    ...credential,
  });
  if (!parsed.success) throw new AdminError('usage', parsed.error.issues[0]!.message);
  const client: OperatorClient = parsed.data;
  if (!(await context.store.trust.add('machine_client', clientId, client))) {
    throw new AdminError('exists', `client "${clientId}" exists already`);
  }
  const secretLine = client.secret ? `client_secret: ${client.secret} (shown once)\n` : '';
  print(context, `added client "${clientId}" (${client.auth}) for ${resource}\n${secretLine}`, {
    clientId,
    auth: client.auth,
    resources: client.resources,
    scopes: client.scopes,
    ...(client.secret ? { clientSecret: client.secret } : {}),
  });
}

/** True when an added client was removed. */
export async function removeMachineClient(context: AdminContext, clientId: string) {
  return context.store.trust.remove('machine_client', clientId);
}

function allowedTarget(
  context: AdminContext,
  resource: string | undefined,
  scope: string | undefined,
): { resource: string; scopes: string[] } {
  const target = context.resources.find((r) => r.id === resource);
  if (!target) {
    const known = context.resources.map((r) => r.id).join(', ');
    throw new AdminError('usage', `--resource must be one of: ${known}`);
  }
  const scopes = (scope ?? '').split(' ').filter(Boolean);
  const unknown = scopes.find((s) => !target.scopes.includes(s));
  if (scopes.length === 0 || unknown !== undefined) {
    throw new AdminError('usage', `--scope must name some of: ${target.scopes.join(' ')}`);
  }
  return { resource: target.id, scopes };
}

async function credentialOf(context: AdminContext): Promise<Partial<OperatorClient>> {
  const keyFile = context.options.get('--key-file');
  const jwksUri = context.options.get('--jwks-uri');
  const secret = context.options.has('--secret');
  if ([keyFile, jwksUri, secret || undefined].filter(Boolean).length !== 1) {
    throw new AdminError('usage', 'give exactly one of --key-file, --jwks-uri, --secret');
  }
  if (secret) {
    const auth = context.options.get('--auth') ?? 'client_secret_basic';
    if (auth !== 'client_secret_basic' && auth !== 'client_secret_post') {
      throw new AdminError('usage', '--auth is client_secret_basic or client_secret_post');
    }
    return { auth, secret: randomBytes(32).toString('base64url') };
  }
  if (jwksUri) return { auth: 'private_key_jwt', jwksUri };
  return { auth: 'private_key_jwt', jwks: { keys: [await publicKeyFrom(keyFile!)] } };
}

/** A public key from a PEM (SPKI) or JWK/JWKS file; a private key is refused, not converted. */
async function publicKeyFrom(file: string): Promise<JWK> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AdminError('not_found', `cannot read ${file}`);
  }
  if (text.includes('PRIVATE KEY') || /"(d|k)"\s*:/.test(text)) {
    throw new AdminError('refused', `${file} holds a private key: give the public key only`);
  }
  let jwk: JWK;
  try {
    jwk = text.trimStart().startsWith('{')
      ? firstJwk(JSON.parse(text) as unknown)
      : createPublicKey(text).export({ format: 'jwk' });
  } catch (error) {
    if (error instanceof AdminError) throw error;
    throw new AdminError('usage', `${file} is not a public key (PEM or JWK)`);
  }
  return withKid(jwk);
}

function firstJwk(value: unknown): JWK {
  const jwk =
    value && typeof value === 'object' && 'keys' in value && Array.isArray(value.keys)
      ? (value.keys[0] as unknown)
      : value;
  if (!jwk || typeof jwk !== 'object') throw new AdminError('usage', 'no key in the JWK file');
  // Validated as a public key of a type Node knows, then exported back as the key alone.
  return createPublicKey({ key: jwk as JWK & { kty: string }, format: 'jwk' }).export({
    format: 'jwk',
  });
}

/** The key's RFC 7638 thumbprint as its `kid`, so assertions can name it. */
async function withKid(jwk: JWK): Promise<JWK> {
  return { ...jwk, kid: await calculateJwkThumbprint(jwk) };
}

/** `jwt-bearer` names the JWT bearer grant: the client presents ID-JAGs (SEP-990). */
function grantOf(value: string | undefined): OperatorClient['grant'] {
  if (value === undefined || value === 'client_credentials') return 'client_credentials';
  if (value === 'jwt-bearer' || value === JWT_BEARER_GRANT) return JWT_BEARER_GRANT;
  throw new AdminError('usage', '--grant is client_credentials or jwt-bearer');
}
