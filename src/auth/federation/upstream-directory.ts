import type { Logger } from 'pino';
import type { FederationStore } from '../../storage/federation-store';
import { parseUpstream, type UpstreamIdp } from './upstream-idp';

/**
 * Read-through: the list is re-read from the store after `ttlMs`, so an upstream added or
 * removed with `npm run admin -- idps` reaches every replica within seconds without a restart
 * or a notification channel, while a busy login page costs one query per TTL, not per view.
 */
export const UPSTREAM_TTL_MS = 5_000;

export class UpstreamDirectory {
  private cached: { at: number; idps: readonly UpstreamIdp[] } | undefined;

  constructor(
    private readonly store: FederationStore,
    private readonly logger: Logger,
    private readonly ttlMs = UPSTREAM_TTL_MS,
    private readonly now = Date.now,
  ) {}

  async all(): Promise<readonly UpstreamIdp[]> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.idps;
    const idps: UpstreamIdp[] = [];
    for (const row of await this.store.listUpstreams()) {
      try {
        idps.push(parseUpstream(JSON.parse(row.document)));
      } catch {
        // A row edited by hand into something invalid is skipped, not fatal to the login page.
        this.logger.warn({ slug: row.slug }, 'ignoring an invalid upstream IdP in the store');
      }
    }
    this.cached = { at: this.now(), idps };
    return idps;
  }

  async find(slug: string): Promise<UpstreamIdp | undefined> {
    return (await this.all()).find((idp) => idp.slug === slug);
  }

  /** The upstream whose `domains` hold the email's domain, if exactly that is configured. */
  async forEmail(email: string): Promise<UpstreamIdp | undefined> {
    const at = email.lastIndexOf('@');
    if (at < 1) return undefined;
    const domain = email
      .slice(at + 1)
      .trim()
      .toLowerCase();
    return (await this.all()).find((idp) => idp.domains.includes(domain));
  }
}
