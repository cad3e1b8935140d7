import type { KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import { SigningKeyRing } from './signing-key-ring';

/**
 * How oidc-provider follows a keyset that changes while it runs.
 *
 * Its `jwks` is read once, at Provider construction, into a keystore we cannot reach. But
 * `ExternalSigningKey` objects (features.externalSigningSupport) are kept by reference, and
 * oidc-provider asks them for `kid`, the public key and signatures at every use. So the provider
 * gets a fixed number of slots whose contents come from the ring at each call:
 * - slot 0 is always the active key. ID tokens and JWT access tokens sign with the first
 *   matching key (our resource servers name no `kid`), so they follow the active key;
 * - the other slots hold the other published keys (pending, previous), so what oidc-provider
 *   verifies itself (an `id_token_hint` at end-session) still verifies with an older key.
 * `sign()` signs with the key named in the JWS header it is given, not with "the active key at
 * signing time", so header and signature agree across an activation instant.
 *
 * Rejected alternatives: a per-resource-server `jwt.sign.key` only applies to HS* algorithms in
 * oidc-provider 9 (RS* keys are looked up in the keystore by kid); rebuilding the Provider on
 * each rotation would drop its in-memory state and its mount. The JWKS endpoint is served by our
 * own route from the ring (jwks.controller.ts): oidc-provider's copy is frozen at construction.
 */
export const KEY_SLOTS = 8;

class KeySlot extends ExternalSigningKey {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly index: number,
  ) {
    super();
  }

  /** Empty slots keep a kid no token names, so they never match a lookup by kid. */
  override get kid(): string {
    return this.#kid() ?? `unused-slot-${this.index}`;
  }

  override set kid(_value: string) {
    // oidc-provider only assigns a kid to keys without one; ours always has one.
  }

  override get alg(): string {
    return 'RS256';
  }

  override set alg(_value: string) {
    // Fixed: every key in the ring is RS256.
  }

  override get kty(): string {
    return 'RSA';
  }

  override get n(): string | undefined {
    return this.#publicJwk().n;
  }

  override get e(): string | undefined {
    return this.#publicJwk().e;
  }

  override keyObject(): KeyObject {
    return this.ring.publicKey(this.#kid()) ?? this.ring.publicKey(this.ring.activeKid())!;
  }

  override sign(data: Uint8Array): Promise<Uint8Array> {
    return this.ring.sign(kidOfSigningInput(data), Buffer.from(data));
  }

  #kid(): string | undefined {
    return this.ring.publishedKidsActiveFirst()[this.index];
  }

  /** Empty slots show the active key's material: harmless, they match no kid. */
  #publicJwk() {
    const keys = this.ring.publicJwks().keys;
    const kid = this.#kid() ?? this.ring.activeKid();
    return keys.find((k) => k.kid === kid) ?? keys[0]!;
  }
}

/**
 * The `kid` of a JWS signing input (`base64url(header).base64url(payload)`, RFC 7515 §5.1).
 * Headers repeat (one per key and token type), so their parse is remembered; the map is
 * bounded, and a header is trusted only as what this process itself is about to sign.
 */
const kidOfHeader = new Map<string, string>();
const KID_OF_HEADER_MAX = 64;

function kidOfSigningInput(data: Uint8Array): string {
  const text = Buffer.from(data).toString('latin1');
  const encodedHeader = text.slice(0, text.indexOf('.'));
  const remembered = kidOfHeader.get(encodedHeader);
  if (remembered !== undefined) return remembered;
  const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString()) as {
    kid?: unknown;
  };
  if (typeof header.kid !== 'string') throw new Error('JWS header names no kid');
  if (kidOfHeader.size >= KID_OF_HEADER_MAX) kidOfHeader.clear();
  kidOfHeader.set(encodedHeader, header.kid);
  return header.kid;
}

/** The `jwks` configuration for oidc-provider: slots that follow the ring. */
export function providerKeySlots(ring: SigningKeyRing): { keys: ExternalSigningKey[] } {
  return { keys: Array.from({ length: KEY_SLOTS }, (_, i) => new KeySlot(ring, i)) };
}
