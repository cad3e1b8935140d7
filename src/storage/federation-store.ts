/**
 * Federation data (AuthStore.federation): the upstream OpenID providers users may sign in
 * through, and which upstream identity is which local user. Upstreams are stored as one
 * validated JSON document each (the AuthServer checks them again on read: a row edited by hand
 * is input like any other).
 */

/** An upstream identity, as the link table keys it: OpenID Connect Core §5.7 says (iss, sub). */
export interface UpstreamSubject {
  readonly issuer: string;
  readonly subject: string;
}

export interface IdentityLink extends UpstreamSubject {
  /** The local user's `sub`. */
  readonly userSub: string;
  readonly idpSlug: string;
  /** The email the upstream asserted at the latest sign-in, for the account page. */
  readonly email: string | undefined;
  /** Epoch milliseconds. */
  readonly linkedAt: number;
  readonly lastUsedAt: number;
}

export interface StoredUpstream {
  readonly slug: string;
  /** The upstream's settings as JSON text; parsed and checked by the reader. */
  readonly document: string;
  readonly updatedAt: number;
}

export interface FederationStore {
  /** Inserts or replaces the upstream named `slug`. */
  putUpstream(slug: string, document: string): Promise<void>;
  listUpstreams(): Promise<StoredUpstream[]>;
  /** False when there was no such upstream. Its links stay: re-adding it restores them. */
  removeUpstream(slug: string): Promise<boolean>;

  findLink(who: UpstreamSubject): Promise<IdentityLink | undefined>;
  /** False, changing nothing, when the upstream identity is linked already (to anyone). */
  addLink(link: Omit<IdentityLink, 'linkedAt' | 'lastUsedAt'>): Promise<boolean>;
  /** Records a sign-in through the link: when, and the email asserted this time. */
  touchLink(who: UpstreamSubject, email: string | undefined): Promise<void>;
  linksOfUser(userSub: string): Promise<IdentityLink[]>;
}

/** A row of federated_identities, on either engine (BIGINT arrives as a string from pg). */
export interface IdentityLinkRow {
  issuer: string;
  subject: string;
  user_sub: string;
  idp_slug: string;
  email: string | null;
  linked_at: number | string;
  last_used_at: number | string;
}

export function linkFromRow(row: IdentityLinkRow): IdentityLink {
  return {
    issuer: row.issuer,
    subject: row.subject,
    userSub: row.user_sub,
    idpSlug: row.idp_slug,
    email: row.email ?? undefined,
    linkedAt: Number(row.linked_at),
    lastUsedAt: Number(row.last_used_at),
  };
}

/** Both engines take the same statements: `$n` placeholders, which SQLite reads as `?n`. */
export const FEDERATION_SQL = {
  putUpstream: `INSERT INTO upstream_idps (slug, document, updated_at) VALUES ($1, $2, $3)
    ON CONFLICT (slug) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
  listUpstreams: 'SELECT slug, document, updated_at FROM upstream_idps ORDER BY slug',
  removeUpstream: 'DELETE FROM upstream_idps WHERE slug = $1',
  findLink: `SELECT issuer, subject, user_sub, idp_slug, email, linked_at, last_used_at
    FROM federated_identities WHERE issuer = $1 AND subject = $2`,
  addLink: `INSERT INTO federated_identities
    (issuer, subject, user_sub, idp_slug, email, linked_at, last_used_at)
    VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (issuer, subject) DO NOTHING`,
  touchLink: `UPDATE federated_identities SET last_used_at = $3, email = $4
    WHERE issuer = $1 AND subject = $2`,
  linksOfUser: `SELECT issuer, subject, user_sub, idp_slug, email, linked_at, last_used_at
    FROM federated_identities WHERE user_sub = $1 ORDER BY linked_at`,
} as const;
