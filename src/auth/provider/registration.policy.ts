import { errors, type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';
import { unsafeCharacterIn } from '../catalog/client-name';
import { ConfiguredClients } from '../catalog/clients';

/** Bounds on the metadata a registered or metadata-document client may declare. */
export const METADATA_LIMITS = {
  clientName: 100,
  string: 2048,
  arrayEntries: 10,
  /** Structured members (jwks): their JSON text. */
  objectChars: 8192,
} as const;

/**
 * Registered clients sign users in; nothing else. Anyone may register (RFC 7591): client
 * credentials would hand anyone a token that acts for no user, token exchange one that acts
 * with any user's token it got hold of.
 */
const ALLOWED_GRANTS: ReadonlySet<string> = new Set(['authorization_code', 'refresh_token']);
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Schemes no redirect may use, even for native clients. */
const FORBIDDEN_SCHEMES: ReadonlySet<string> = new Set([
  'javascript:',
  'data:',
  'file:',
  'blob:',
  'vbscript:',
  'about:',
  'ftp:',
  'ws:',
  'wss:',
]);

type Metadata = Readonly<Record<string, unknown>>;

/**
 * oidc-provider's `extraClientMetadata` hook, run on every client's metadata as it is built
 * (configured clients at start, registrations, Client ID Metadata Documents, and each time a
 * stored client is loaded). Configured clients are trusted as written; for every other client
 * it enforces what the server allows them (RFC 7591 §2: the server may reject or replace any
 * metadata), answering `invalid_client_metadata` (RFC 7591 §3.2.2) or `invalid_redirect_uri`.
 */
export function registrationPolicy(configured: ConfiguredClients, knownScopes: readonly string[]) {
  const known: ReadonlySet<string> = new Set(knownScopes);
  return {
    // The hook runs once per listed property; client_name is present in every schema.
    properties: ['client_name'],
    validator: (
      _ctx: KoaContextWithOIDC | undefined,
      key: string,
      _value: unknown,
      metadata: ClientMetadata,
    ) => {
      if (key !== 'client_name') return;
      const clientId = metadata.client_id;
      if (typeof clientId === 'string' && configured.has(clientId)) return;
      checkSizes(metadata);
      narrowScope(metadata, known);
      checkName(metadata.client_name, configured);
      checkGrants(metadata);
      checkRedirects(metadata);
    },
  };
}

function invalid(description: string): never {
  throw new errors.InvalidClientMetadata(description);
}

/**
 * Drops the scopes this server does not know instead of refusing the registration: RFC 7591 §2
 * lets the server replace requested metadata, and clients ask for scopes they saw in some other
 * server's metadata. The response's `scope` then tells the client what it got (RFC 7591 §3.2.1).
 * It runs before oidc-provider checks `scope`, so what is left always passes that check.
 */
function narrowScope(metadata: ClientMetadata, known: ReadonlySet<string>): void {
  if (typeof metadata.scope !== 'string') return;
  const kept = metadata.scope.split(' ').filter((scope) => known.has(scope));
  // Nothing known left: the client is registered as if it had asked for no scope, which
  // restricts it to nothing narrower than consent and the resources already allow.
  if (kept.length === 0) delete metadata.scope;
  else metadata.scope = kept.join(' ');
}

function checkSizes(metadata: Metadata): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string' && value.length > METADATA_LIMITS.string) {
      invalid(`${key} is too long`);
    }
    if (Array.isArray(value)) {
      if (value.length > METADATA_LIMITS.arrayEntries) invalid(`${key} has too many entries`);
      for (const entry of value as unknown[]) {
        if (typeof entry !== 'string') invalid(`${key} must contain only strings`);
        if (entry.length > METADATA_LIMITS.string) invalid(`${key} has an entry that is too long`);
      }
    } else if (value !== null && typeof value === 'object') {
      if (JSON.stringify(value).length > METADATA_LIMITS.objectChars)
        invalid(`${key} is too large`);
    }
  }
}

/**
 * The name is shown by the login, consent and account pages and the admin CLI: nothing in it
 * may act on a terminal or reorder the text, and a registered client may not pass itself off as
 * one the operator configured, by look-alike letters or invisible characters either.
 */
function checkName(name: unknown, configured: ConfiguredClients): void {
  if (name === undefined) return;
  if (typeof name !== 'string') invalid('client_name must be a string');
  if (name.length > METADATA_LIMITS.clientName) invalid('client_name is too long');
  const unsafe = unsafeCharacterIn(name);
  if (unsafe) invalid(`client_name may not contain ${unsafe} (a control or invisible character)`);
  if (configured.nameTaken(name)) invalid('client_name is reserved for a configured client');
}

function checkGrants(metadata: Metadata): void {
  const grants = metadata.grant_types;
  if (!Array.isArray(grants)) return;
  const refused = (grants as unknown[]).filter(
    (g) => typeof g !== 'string' || !ALLOWED_GRANTS.has(g),
  );
  if (refused.length > 0) {
    invalid(
      `grant_types may only be authorization_code and refresh_token, not ${String(refused[0])}`,
    );
  }
}

/**
 * Redirect URIs must be https or loopback http (MCP authorization spec, "Communication
 * Security"; RFC 8252 §7.3); private-use schemes only for native clients (RFC 8252 §7.1).
 */
function checkRedirects(metadata: Metadata): void {
  const uris = metadata.redirect_uris;
  if (!Array.isArray(uris)) return;
  const native = metadata.application_type === 'native';
  for (const uri of uris as unknown[]) {
    const url = typeof uri === 'string' ? URL.parse(uri) : null;
    if (!url) throw new errors.InvalidRedirectUri('redirect_uris must be absolute URLs');
    if (url.protocol === 'https:') continue;
    if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) continue;
    if (url.protocol === 'http:') {
      throw new errors.InvalidRedirectUri('http redirect_uris must be loopback (use https)');
    }
    if (!native || FORBIDDEN_SCHEMES.has(url.protocol)) {
      throw new errors.InvalidRedirectUri(
        'redirect_uris must use https or loopback http; private-use schemes need application_type native',
      );
    }
  }
}
