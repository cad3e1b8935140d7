import { JwksClient, passportJwtSecret } from 'jwks-rsa';
import type { Role } from '../config/config';
import { Metrics } from '../core/metrics/metrics';
import { NotReady } from '../core/readiness';

type SecretCallback = ReturnType<typeof passportJwtSecret>;
type Jwks = Awaited<ReturnType<JwksClient['getKeys']>>;

const DISCOVERY_PATH = '/.well-known/openid-configuration';
const TIMEOUT_MS = 5_000;

/** The issuer's discovery document could not be had: the token may be fine, we cannot tell. */
export class IssuerUnavailable extends Error {
  override readonly name = 'IssuerUnavailable';
  readonly code = 'ERR_ISSUER_UNAVAILABLE';
}

export interface IssuerKeysOptions {
  /** The issuer identifier, compared byte for byte with the document's `issuer`. */
  readonly issuer: string;
  /** Where this process reaches the issuer (differs from `issuer` between containers). */
  readonly issuerInternalUrl: string;
}

/** Who counts the fetches: the process's metrics, under the resource server's role. */
export interface IssuerKeysMetrics {
  readonly metrics: Metrics;
  readonly role: Role;
}

interface Discovered {
  readonly client: JwksClient;
  readonly secret: SecretCallback;
}

/**
 * The issuer's signing keys for passport-jwt, found the way any resource server finds them:
 * its discovery document names `jwks_uri` (OpenID Connect Discovery 1.0 §3, RFC 8414 §2).
 * Discovery happens on the first token or readiness probe, is cached once it succeeded, and is
 * retried on the next one after a failure, so a resource server can start before its
 * AuthServer. The keys themselves are jwks-rsa's job (cached, refetched on an unknown `kid`,
 * rate limited); every fetch is counted.
 */
export class IssuerKeys {
  private discovered: Promise<Discovered> | undefined;
  private keysFetched = false;

  constructor(
    private readonly options: IssuerKeysOptions,
    private readonly counting: IssuerKeysMetrics,
  ) {}

  readonly secretOrKeyProvider: SecretCallback = (request, rawJwt, done) => {
    this.resolve().then(
      ({ secret }) => secret(request, rawJwt, done),
      (error: unknown) => done(error),
    );
  };

  /** For /ready: resolves once discovery succeeded and the JWKS was fetched at least once. */
  async ready(): Promise<void> {
    if (this.keysFetched) return;
    try {
      const { client } = await this.resolve();
      await client.getSigningKeys();
    } catch (error) {
      const what = error instanceof IssuerUnavailable ? 'discovery' : 'JWKS';
      throw new NotReady(`the issuer's ${what} could not be fetched`, { cause: error });
    }
  }

  private resolve(): Promise<Discovered> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      throw error;
    });
    return this.discovered;
  }

  private async discover(): Promise<Discovered> {
    const options = {
      jwksUri: this.internal(await this.jwksUri()),
      cache: true,
      cacheMaxAge: 10 * 60 * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
      fetcher: (uri: string) => this.fetchJwks(uri),
    };
    return { client: new JwksClient(options), secret: passportJwtSecret(options) };
  }

  private async fetchJwks(uri: string): Promise<{ keys: Jwks }> {
    const { metrics, role } = this.counting;
    try {
      const response = await fetch(uri, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`JWKS at ${uri} answered ${response.status}`);
      const jwks = (await response.json()) as { keys: Jwks };
      metrics.issuerFetch(role, 'jwks', true);
      this.keysFetched = true;
      return jwks;
    } catch (error) {
      metrics.issuerFetch(role, 'jwks', false);
      throw error;
    }
  }

  private async jwksUri(): Promise<string> {
    const { metrics, role } = this.counting;
    const url = `${this.options.issuerInternalUrl}${DISCOVERY_PATH}`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      metrics.issuerFetch(role, 'discovery', false);
      throw new IssuerUnavailable(`discovery at ${url} failed`, { cause: error });
    }
    // RFC 8414 §3.3: the document must name exactly the issuer we trust.
    if (document.issuer !== this.options.issuer || typeof document.jwks_uri !== 'string') {
      metrics.issuerFetch(role, 'discovery', false);
      throw new IssuerUnavailable(`discovery at ${url} does not describe ${this.options.issuer}`);
    }
    metrics.issuerFetch(role, 'discovery', true);
    return document.jwks_uri;
  }

  /** The document's URLs are public; back-channel calls go to the internal URL instead. */
  private internal(uri: string): string {
    const { issuer, issuerInternalUrl } = this.options;
    return uri.startsWith(`${issuer}/`) ? issuerInternalUrl + uri.slice(issuer.length) : uri;
  }
}
