import { passportJwtSecret } from 'jwks-rsa';

type SecretCallback = ReturnType<typeof passportJwtSecret>;

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

/**
 * The issuer's signing keys for passport-jwt, found the way any resource server finds them:
 * its discovery document names `jwks_uri` (OpenID Connect Discovery 1.0 §3, RFC 8414 §2).
 * Discovery happens on the first token, is cached once it succeeded, and is retried on the
 * next token after a failure, so a resource server can start before its AuthServer. The keys
 * themselves are jwks-rsa's job (cached, refetched on an unknown `kid`, rate limited).
 */
export class IssuerKeys {
  private keys: Promise<SecretCallback> | undefined;

  constructor(private readonly options: IssuerKeysOptions) {}

  readonly secretOrKeyProvider: SecretCallback = (request, rawJwt, done) => {
    this.resolve().then(
      (provider) => provider(request, rawJwt, done),
      (error: unknown) => done(error),
    );
  };

  private resolve(): Promise<SecretCallback> {
    this.keys ??= this.discover().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async discover(): Promise<SecretCallback> {
    const jwksUri = this.internal(await this.jwksUri());
    return passportJwtSecret({
      jwksUri,
      cache: true,
      cacheMaxAge: 10 * 60 * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
    });
  }

  private async jwksUri(): Promise<string> {
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
      throw new IssuerUnavailable(`discovery at ${url} failed`, { cause: error });
    }
    // RFC 8414 §3.3: the document must name exactly the issuer we trust.
    if (document.issuer !== this.options.issuer || typeof document.jwks_uri !== 'string') {
      throw new IssuerUnavailable(`discovery at ${url} does not describe ${this.options.issuer}`);
    }
    return document.jwks_uri;
  }

  /** The document's URLs are public; back-channel calls go to the internal URL instead. */
  private internal(uri: string): string {
    const { issuer, issuerInternalUrl } = this.options;
    return uri.startsWith(`${issuer}/`) ? issuerInternalUrl + uri.slice(issuer.length) : uri;
  }
}
