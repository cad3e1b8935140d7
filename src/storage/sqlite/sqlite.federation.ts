import type Database from 'better-sqlite3';
import {
  FEDERATION_SQL as SQL,
  linkFromRow,
  type FederationStore,
  type IdentityLink,
  type IdentityLinkRow,
  type StoredUpstream,
  type UpstreamSubject,
} from '../federation-store';

type Prepare = (text: string) => Database.Statement;
type Value = string | number | null;

/**
 * The shared statements number their parameters (`$1`, reused where a value repeats);
 * better-sqlite3 binds anonymous `?` in order, so each `$n` becomes `?` and the values follow.
 */
class Positional {
  readonly text: string;
  private readonly order: number[] = [];

  constructor(text: string) {
    this.text = text.replace(/\$(\d+)/g, (_, n: string) => {
      this.order.push(Number(n) - 1);
      return '?';
    });
  }

  values(args: readonly Value[]): Value[] {
    return this.order.map((i) => args[i] ?? null);
  }
}

/** Federation data on SQLite; statements come prepared and cached from the store. */
export class SqliteFederationStore implements FederationStore {
  private readonly statements = new Map<string, Positional>();

  constructor(private readonly prepare: Prepare) {}

  putUpstream(slug: string, document: string): Promise<void> {
    this.sql(SQL.putUpstream).run(slug, document, Date.now());
    return Promise.resolve();
  }

  listUpstreams(): Promise<StoredUpstream[]> {
    const rows = this.sql(SQL.listUpstreams).all() as {
      slug: string;
      document: string;
      updated_at: number;
    }[];
    return Promise.resolve(
      rows.map((r) => ({ slug: r.slug, document: r.document, updatedAt: r.updated_at })),
    );
  }

  removeUpstream(slug: string): Promise<boolean> {
    return Promise.resolve(this.sql(SQL.removeUpstream).run(slug).changes === 1);
  }

  findLink(who: UpstreamSubject): Promise<IdentityLink | undefined> {
    const row = this.sql(SQL.findLink).get(who.issuer, who.subject) as IdentityLinkRow | undefined;
    return Promise.resolve(row && linkFromRow(row));
  }

  addLink(link: Omit<IdentityLink, 'linkedAt' | 'lastUsedAt'>): Promise<boolean> {
    const { changes } = this.sql(SQL.addLink).run(
      link.issuer,
      link.subject,
      link.userSub,
      link.idpSlug,
      link.email ?? null,
      Date.now(),
    );
    return Promise.resolve(changes === 1);
  }

  touchLink(who: UpstreamSubject, email: string | undefined): Promise<void> {
    this.sql(SQL.touchLink).run(who.issuer, who.subject, Date.now(), email ?? null);
    return Promise.resolve();
  }

  linksOfUser(userSub: string): Promise<IdentityLink[]> {
    const rows = this.sql(SQL.linksOfUser).all(userSub) as IdentityLinkRow[];
    return Promise.resolve(rows.map(linkFromRow));
  }

  private sql(text: string): {
    run(...a: Value[]): Database.RunResult;
    get(...a: Value[]): unknown;
    all(...a: Value[]): unknown[];
  } {
    let positional = this.statements.get(text);
    if (!positional) {
      positional = new Positional(text);
      this.statements.set(text, positional);
    }
    const statement = this.prepare(positional.text);
    const bind = positional;
    return {
      run: (...a) => statement.run(...bind.values(a)),
      get: (...a) => statement.get(...bind.values(a)),
      all: (...a) => statement.all(...bind.values(a)),
    };
  }
}
