import type { Pool } from 'pg';
import {
  FEDERATION_SQL as SQL,
  linkFromRow,
  type FederationStore,
  type IdentityLink,
  type IdentityLinkRow,
  type StoredUpstream,
  type UpstreamSubject,
} from '../federation-store';

/** Federation data on PostgreSQL, over the store's pool. */
export class PostgresFederationStore implements FederationStore {
  constructor(private readonly pool: Pool) {}

  async putUpstream(slug: string, document: string): Promise<void> {
    await this.pool.query(SQL.putUpstream, [slug, document, Date.now()]);
  }

  async listUpstreams(): Promise<StoredUpstream[]> {
    const result = await this.pool.query<{ slug: string; document: string; updated_at: string }>(
      SQL.listUpstreams,
    );
    return result.rows.map((r) => ({
      slug: r.slug,
      document: r.document,
      updatedAt: Number(r.updated_at),
    }));
  }

  async removeUpstream(slug: string): Promise<boolean> {
    return (await this.pool.query(SQL.removeUpstream, [slug])).rowCount === 1;
  }

  async findLink(who: UpstreamSubject): Promise<IdentityLink | undefined> {
    const result = await this.pool.query<IdentityLinkRow>(SQL.findLink, [who.issuer, who.subject]);
    const row = result.rows[0];
    return row && linkFromRow(row);
  }

  async addLink(link: Omit<IdentityLink, 'linkedAt' | 'lastUsedAt'>): Promise<boolean> {
    const result = await this.pool.query(SQL.addLink, [
      link.issuer,
      link.subject,
      link.userSub,
      link.idpSlug,
      link.email ?? null,
      Date.now(),
    ]);
    return result.rowCount === 1;
  }

  async touchLink(who: UpstreamSubject, email: string | undefined): Promise<void> {
    await this.pool.query(SQL.touchLink, [who.issuer, who.subject, Date.now(), email ?? null]);
  }

  async linksOfUser(userSub: string): Promise<IdentityLink[]> {
    const result = await this.pool.query<IdentityLinkRow>(SQL.linksOfUser, [userSub]);
    return result.rows.map(linkFromRow);
  }
}
