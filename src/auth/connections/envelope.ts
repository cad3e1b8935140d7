import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of connected-account tokens at rest (NIST SP 800-38D AES-256-GCM): each
 * record gets its own random data key, which encrypts the record; a key-encryption key (KEK)
 * from configuration encrypts the data key. A copy of the database alone therefore reveals no
 * upstream token. Both layers bind the record's context (user and provider) as additional
 * authenticated data, so a ciphertext copied onto another user's row does not open there.
 *
 * Sealed text: `v1.<kid>.<key iv>.<wrapped key>.<iv>.<ciphertext>`, base64url parts, each GCM
 * ciphertext followed by its 16-byte tag. `kid` names the KEK (a hash of it, never the key), so
 * after a rotation old rows open with the old key while new ones are sealed with the first.
 */
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type EnvelopeErrorCode = 'malformed' | 'unknown_key' | 'tampered';

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Kek {
  readonly id: string;
  readonly key: Buffer;
}

export class EnvelopeKeys {
  private readonly keks: readonly Kek[];

  /** `keys`: 32-byte keys, the first seals, all open. */
  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('envelope encryption needs at least one key');
    this.keks = keys.map((key) => {
      if (key.length !== KEY_BYTES) throw new Error('a key-encryption key must be 32 bytes');
      return { id: createHash('sha256').update(key).digest('base64url').slice(0, 11), key };
    });
  }

  /** Parses CONNECTED_ACCOUNTS_KEYS: comma-separated base64url keys of 32 bytes each. */
  static parse(list: string): EnvelopeKeys {
    return new EnvelopeKeys(list.split(',').map((k) => Buffer.from(k.trim(), 'base64url')));
  }

  /**
   * The development key: derived from a fixed, public label, so it protects nothing; the
   * configuration refuses it in production and the AuthServer announces it at start.
   */
  static development(): EnvelopeKeys {
    const key = hkdfSync('sha256', 'api-mcp-auth', 'development only', 'connected-accounts', 32);
    return new EnvelopeKeys([Buffer.from(key)]);
  }

  seal(plaintext: string, context: string): string {
    const kek = this.keks[0]!;
    const dataKey = randomBytes(KEY_BYTES);
    const keyIv = randomBytes(IV_BYTES);
    const wrapped = gcm(kek.key, keyIv, `${kek.id}\n${context}`, dataKey);
    const iv = randomBytes(IV_BYTES);
    const body = gcm(dataKey, iv, context, Buffer.from(plaintext, 'utf8'));
    return [VERSION, kek.id, keyIv, wrapped, iv, body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The plaintext, or an EnvelopeError: never a partly checked value. */
  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 6 || parts[0] !== VERSION) {
      throw new EnvelopeError('malformed', 'not a sealed value of this version');
    }
    const [, kid, keyIv, wrapped, iv, body] = parts as [string, ...string[]];
    const kek = this.keks.find((k) => k.id === kid);
    if (!kek) throw new EnvelopeError('unknown_key', 'sealed with a key that is not configured');
    const dataKey = ungcm(kek.key, decode(keyIv), `${kek.id}\n${context}`, decode(wrapped));
    return ungcm(dataKey, decode(iv), context, decode(body)).toString('utf8');
  }
}

function decode(part: string | undefined): Buffer {
  return Buffer.from(part ?? '', 'base64url');
}

function gcm(key: Buffer, iv: Buffer, aad: string, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function ungcm(key: Buffer, iv: Buffer, aad: string, sealed: Buffer): Buffer {
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
    throw new EnvelopeError('malformed', 'a sealed part has the wrong length');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    // GCM's tag check failed: another key, another context, or changed bytes.
    throw new EnvelopeError('tampered', 'the sealed value does not authenticate');
  }
}
