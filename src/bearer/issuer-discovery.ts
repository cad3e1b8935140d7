import type { Role } from '../config/config';
import { Metrics } from '../core/metrics/metrics';
import { IssuerUrls } from './issuer-urls';

/** What a resource server needs from its issuer's metadata (RFC 8414 §2, RFC 9449 §5.1). */
export interface IssuerMetadata {
  /** Where this process fetches the issuer's keys: `jwks_uri`, rewritten for the back channel. */
  readonly jwksUri: string;
  /** `dpop_signing_alg_values_supported`, JWS alg names only. */
  readonly dpopSigningAlgs: readonly string[];
}

/**
 * The role's discovery of its issuer, supplied to the bearer module (ISSUER_DISCOVERY): a role
 * that discovers the AuthServer for other reasons too (the MCP server) hands in that one
 * discovery, so the keys and everything else follow one document and one URL rule.
 * Rejects when the metadata cannot be had or names another issuer (RFC 8414 §3.3).
 */
export interface IssuerDiscovery {
  issuerMetadata(): Promise<IssuerMetadata>;
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';
const TIMEOUT_MS = 5_000;
/** A JWS `alg` name (RFC 7518 §3.1 and registry): nothing that could break out of a header. */
const ALG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** The advertised DPoP algorithms of a metadata document, JWS alg names only. */
export function dpopSigningAlgsOf(advertised: unknown): readonly string[] {
  return Array.isArray(advertised)
    ? advertised.filter((alg): alg is string => typeof alg === 'string' && ALG_NAME.test(alg))
    : [];
}

/**
 * The discovery of a role that needs the issuer for its keys only (the weather API): OpenID
 * Connect Discovery 1.0 §4 over the back channel, every fetch counted under the role. Public
 * and internal URLs follow IssuerUrls, the rule the MCP role's discovery follows too.
 */
export class OidcIssuerDiscovery implements IssuerDiscovery {
  private readonly urls: IssuerUrls;

  constructor(
    private readonly issuer: string,
    issuerInternalUrl: string,
    private readonly counting: { readonly metrics: Metrics; readonly role: Role },
  ) {
    this.urls = new IssuerUrls(issuer, issuerInternalUrl);
  }

  async issuerMetadata(): Promise<IssuerMetadata> {
    const { metrics, role } = this.counting;
    const url = this.urls.toInternal(`${this.issuer}${DISCOVERY_PATH}`);
    let document: {
      issuer?: unknown;
      jwks_uri?: unknown;
      dpop_signing_alg_values_supported?: unknown;
    };
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      metrics.issuerFetch(role, 'discovery', false);
      throw new Error(`discovery at ${url} failed`, { cause: error });
    }
    // RFC 8414 §3.3: the document must name exactly the issuer we trust.
    if (document.issuer !== this.issuer || typeof document.jwks_uri !== 'string') {
      metrics.issuerFetch(role, 'discovery', false);
      throw new Error(`discovery at ${url} does not describe ${this.issuer}`);
    }
    metrics.issuerFetch(role, 'discovery', true);
    return {
      jwksUri: this.urls.toInternal(document.jwks_uri),
      dpopSigningAlgs: dpopSigningAlgsOf(document.dpop_signing_alg_values_supported),
    };
  }
}
