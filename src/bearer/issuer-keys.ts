import { KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  type CryptoKey,
  type FetchImplementation,
  type JWSHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import type { SecretOrKeyProvider } from 'passport-jwt';
import type { Role } from '../config/config';
import { Metrics } from '../core/metrics/metrics';
import { NotReady } from '../core/readiness';
import type { IssuerDiscovery, IssuerMetadata } from './issuer-discovery';
import { TokenRejection } from './token-rejection';

const TIMEOUT_MS = 5_000;
/** The only signature algorithm our access tokens use; no other `alg` costs a key lookup. */
export const ACCESS_TOKEN_ALGORITHM = 'RS256';
/** After this long the whole set is fetched again before the next check. */
const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
/**
 * The least time between two fetches of the set: an unknown `kid` seen sooner is refused from
 * the set in hand, so forged key ids cost the issuer at most one fetch per second and use up
 * nothing a valid token needs. Shorter than the least time a new key is published before it
 * signs (KEY_ACTIVATION_DELAY_SECONDS >= 2 s, less the replicas' refresh lag of a quarter of
 * it): a fetch provoked just before a rotation cannot hide the new key from a valid token.
 */
export const JWKS_COOLDOWN_MS = 1_000;

/** Key lookups that fail because of the token (its `kid` or its lack of one), not the issuer. */
const TOKEN_FAULTS: ReadonlySet<string> = new Set([
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
]);

/**
 * The issuer's discovery document or JWKS could not be had: the token may be fine, we cannot
 * tell.
 */
export class IssuerUnavailable extends Error {
  override readonly name = 'IssuerUnavailable';
  readonly code = 'ERR_ISSUER_UNAVAILABLE';
}

/** Who counts the fetches: the process's metrics, under the resource server's role. */
export interface IssuerKeysMetrics {
  readonly metrics: Metrics;
  readonly role: Role;
}

/** What the issuer's discovery document told us. */
interface Discovered {
  readonly keySet: RemoteJWKSet;
}

/**
 * The issuer's signing keys for passport-jwt, found the way any resource server finds them:
 * the issuer's metadata names `jwks_uri` (RFC 8414 §2), read through the role's discovery.
 * Discovery happens on the first token or readiness probe, is cached once it succeeded, and is
 * retried on the next one after a failure, so a resource server can start before its
 * AuthServer. The keys are jose's remote JWKS: the whole set cached, fetched again when it is
 * older than ten minutes or, at most once per cooldown, for an unknown `kid`; every fetch is
 * counted.
 */
export class IssuerKeys {
  private discovered: Promise<Discovered> | undefined;
  private keysFetched = false;
  /** PEM per imported key: jose hands out one CryptoKey per JWK, passport-jwt wants PEM. */
  private readonly pems = new WeakMap<CryptoKey, string>();

  constructor(
    private readonly discovery: IssuerDiscovery,
    private readonly counting: IssuerKeysMetrics,
  ) {}

  readonly secretOrKeyProvider: SecretOrKeyProvider = (_request, rawJwt: string, done) => {
    this.keyFor(rawJwt).then(
      (pem) => done(null, pem),
      (error: unknown) => done(error),
    );
  };

  /** For /ready: resolves once discovery succeeded and the JWKS was fetched at least once. */
  async ready(): Promise<void> {
    if (this.keysFetched) return;
    try {
      await (await this.resolve()).keySet.reload();
    } catch (error) {
      const what = error instanceof IssuerUnavailable ? 'discovery' : 'JWKS';
      throw new NotReady(`the issuer's ${what} could not be fetched`, { cause: error });
    }
  }

  /**
   * The public key for this token's header, as PEM. TokenRejection when the token names no
   * key the issuer publishes; IssuerUnavailable when the issuer's keys cannot be had.
   */
  private async keyFor(rawJwt: string): Promise<string> {
    const header = protectedHeaderOf(rawJwt);
    const { keySet } = await this.resolve();
    let key: CryptoKey;
    try {
      key = await keySet(header);
    } catch (error) {
      if (error instanceof errors.JOSEError && TOKEN_FAULTS.has(error.code)) {
        throw new TokenRejection('invalid', 'token invalid');
      }
      throw new IssuerUnavailable("the issuer's JWKS could not be fetched", { cause: error });
    }
    let pem = this.pems.get(key);
    if (pem === undefined) {
      pem = KeyObject.from(key).export({ type: 'spki', format: 'pem' }).toString();
      this.pems.set(key, pem);
    }
    return pem;
  }

  private resolve(): Promise<Discovered> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      throw error;
    });
    return this.discovered;
  }

  private async discover(): Promise<Discovered> {
    let metadata: IssuerMetadata;
    try {
      metadata = await this.discovery.issuerMetadata();
    } catch (error) {
      throw new IssuerUnavailable("the issuer's metadata could not be had", { cause: error });
    }
    const keySet = createRemoteJWKSet(new URL(metadata.jwksUri), {
      timeoutDuration: TIMEOUT_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
      [customFetch]: this.fetchJwks,
    });
    return { keySet };
  }

  private readonly fetchJwks: FetchImplementation = async (url, init) => {
    const { metrics, role } = this.counting;
    try {
      const response = await fetch(url, init);
      metrics.issuerFetch(role, 'jwks', response.status === 200);
      if (response.status === 200) this.keysFetched = true;
      return response;
    } catch (error) {
      metrics.issuerFetch(role, 'jwks', false);
      throw error;
    }
  };
}

/**
 * The header of a compact JWS signed with our one algorithm. Anything else (not a JWT, `none`,
 * HS256 keyed with a public key, another asymmetric alg) is refused before a key is looked up.
 */
function protectedHeaderOf(rawJwt: string): JWSHeaderParameters {
  let header: JWSHeaderParameters;
  try {
    header = decodeProtectedHeader(rawJwt);
  } catch {
    throw new TokenRejection('invalid', 'token invalid');
  }
  if (header.alg !== ACCESS_TOKEN_ALGORITHM) throw new TokenRejection('invalid', 'token invalid');
  return header;
}
