import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { errors as joseErrors, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SecretStore } from '../../storage/secret-store';
import { activeKey, KeyPolicy, Keyset, publishedKeys, rotationDue } from './keyset';
import { rotateKeys } from './keyset.operations';
import { loadKeyset } from './keyset.store';

interface KeyMaterial {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: JWK;
}

export type Clock = () => number;
const systemClock: Clock = () => Math.floor(Date.now() / 1000);

/** Which key signs and which are published, at one second for one keyset. */
interface KeyStates {
  readonly keyset: Keyset;
  readonly at: number;
  readonly activeKid: string;
  /** Published keys in activation order (the JWKS). */
  readonly published: readonly string[];
  readonly publishedActiveFirst: readonly string[];
}

/**
 * This process's view of the signing keyset: re-read from the store periodically, so every
 * replica learns of a new key well before it activates (the refresh interval is a fraction of
 * the activation delay), and the active key is computed from the keyset and the clock, so all
 * replicas switch at the same instant without talking to each other.
 */
export class SigningKeyRing implements OnModuleInit, OnModuleDestroy {
  #keyset: Keyset;
  #material = new Map<string, KeyMaterial>();
  #states: KeyStates | undefined;
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: SecretStore,
    readonly policy: KeyPolicy,
    private readonly logger: Logger,
    readonly now: Clock,
    keyset: Keyset,
  ) {
    this.#keyset = keyset;
    this.#learn(keyset);
  }

  static async open(store: SecretStore, policy: KeyPolicy, logger: Logger, now = systemClock) {
    const { keyset } = await loadKeyset(store, now());
    return new SigningKeyRing(store, policy, logger, now, keyset);
  }

  /** Short enough that a key written now is known everywhere before it activates. */
  get refreshIntervalMs(): number {
    return Math.min(60_000, Math.max(500, (this.policy.activationDelaySeconds * 1000) / 4));
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.refresh(), this.refreshIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Nest lifecycle (the AuthServer module provides the ring): refresh while the app runs. */
  onModuleInit(): void {
    this.start();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  /** Re-reads the keyset, and rotates first when the schedule says so (KEY_ROTATION_DAYS). */
  async refresh(): Promise<void> {
    try {
      if (rotationDue(this.#keyset, this.now(), this.policy)) {
        const result = await rotateKeys(this.store, this.now, this.policy);
        if (result.outcome === 'rotated') {
          this.logger.info(
            { kid: result.key.kid, activatesAt: result.key.activatesAt },
            'signing key rotated on schedule',
          );
        }
      }
      const { keyset } = await loadKeyset(this.store, this.now());
      this.#learn(keyset);
      this.#keyset = keyset;
    } catch (error) {
      // The last keyset read stays in force; the next tick tries again.
      this.logger.warn({ err: error }, 'could not refresh the signing keyset');
    }
  }

  get keyset(): Keyset {
    return this.#keyset;
  }

  activeKid(): string {
    return this.#statesNow().activeKid;
  }

  /** Published keys, the active one first: what oidc-provider's key slots show. */
  publishedKidsActiveFirst(): readonly string[] {
    return this.#statesNow().publishedActiveFirst;
  }

  /** The public JWKS: pending, active and previous keys (RFC 7517 §5). */
  publicJwks(): JSONWebKeySet {
    return { keys: this.#statesNow().published.map((kid) => this.#material.get(kid)!.publicJwk) };
  }

  /** The public key of a published key; undefined for unknown and retired keys. */
  publicKey(kid: string | undefined): KeyObject | undefined {
    const published = kid !== undefined && this.#isPublished(kid);
    return published ? this.#material.get(kid)?.publicKey : undefined;
  }

  /** For jose's jwtVerify: tokens verify only against keys still published. */
  readonly verificationKey: JWTVerifyGetKey = (header) => {
    const key = this.publicKey(header.kid);
    if (!key) throw new joseErrors.JWKSNoMatchingKey();
    return key;
  };

  /**
   * RS256 signature over `data` with the key `kid`. The caller names the key it put in the JWS
   * header, so a token's `kid` and signature always agree even if the active key changed in
   * between.
   *
   * Signs on libuv's thread pool (crypto.sign with a callback), not on the event loop: an RSA
   * signature is most of a token request's CPU, and oidc-provider's own keys sign the same way
   * (WebCrypto), so the event loop keeps parsing and answering requests meanwhile.
   */
  async sign(kid: string, data: Buffer): Promise<Buffer> {
    const material = this.#isPublished(kid) ? this.#material.get(kid) : undefined;
    if (!material) throw new Error(`signing key ${kid} is not usable`);
    return new Promise((resolve, reject) => {
      cryptoSign('sha256', data, material.privateKey, (error, signature) =>
        error ? reject(error) : resolve(signature),
      );
    });
  }

  #isPublished(kid: string): boolean {
    return this.#statesNow().published.includes(kid);
  }

  /**
   * The key states are a pure function of the keyset and the clock (keyset.ts), whose unit is
   * the second; oidc-provider asks every key slot for its kid several times per token, so they
   * are worked out once per keyset and second.
   */
  #statesNow(): KeyStates {
    const at = this.now();
    const keyset = this.#keyset;
    if (this.#states?.keyset === keyset && this.#states.at === at) return this.#states;
    const activeKid = activeKey(keyset, at, this.policy).kid;
    const published = publishedKeys(keyset, at, this.policy).map((k) => k.kid);
    const others = published.filter((kid) => kid !== activeKid);
    this.#states = {
      keyset,
      at,
      activeKid,
      published,
      publishedActiveFirst: [activeKid, ...others],
    };
    return this.#states;
  }

  /** Called with each key id this process learns after start (rotations, by any process). */
  onNewKey?: (kid: string) => void;

  #learn(keyset: Keyset): void {
    const starting = this.#material.size === 0;
    for (const { kid, jwk } of keyset.keys) {
      if (this.#material.has(kid)) continue;
      if (!starting) this.onNewKey?.(kid);
      const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      const publicKey = createPublicKey(privateKey);
      const { n, e } = jwk;
      this.#material.set(kid, {
        privateKey,
        publicKey,
        publicJwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' },
      });
    }
  }
}
