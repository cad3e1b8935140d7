import { randomUUID } from 'node:crypto';
import type { AccountStore } from '../../storage/account-store';
import type { FederationStore } from '../../storage/federation-store';
import { FederationError } from './federation.error';
import type { UpstreamIdentity } from './upstream-identity';
import type { UpstreamIdp } from './upstream-idp';

/** A JIT user has no password: this is not a hash, so no password ever matches it. */
const NO_PASSWORD = '!federated';

/** What linking reads of an upstream: an OpenID sign-in's or an ID-JAG issuer's (SEP-990). */
export type LinkingPolicy = Pick<
  UpstreamIdp,
  'slug' | 'jit' | 'linkByEmail' | 'allowedEmailDomains'
>;
export type LinkedIdentity = Omit<UpstreamIdentity, 'ruleClaims'>;

export type LinkOutcome = 'existing' | 'linked_by_email' | 'provisioned';

/**
 * Which local user an upstream identity is. Only the stored (iss, sub) link decides for a
 * known identity; an unknown one is linked by verified email only where the operator allowed
 * it for this upstream (linkByEmail: see its note on account takeover), else provisioned only
 * with `jit`, else refused.
 */
export class AccountLinking {
  constructor(
    private readonly accounts: AccountStore,
    private readonly federation: FederationStore,
  ) {}

  async resolve(
    idp: LinkingPolicy,
    who: LinkedIdentity,
  ): Promise<{ userSub: string; outcome: LinkOutcome }> {
    checkEmailDomain(idp, who);
    const key = { issuer: who.issuer, subject: who.subject };
    const link = await this.federation.findLink(key);
    if (link) {
      const user = await this.accounts.findUserBySubject(link.userSub);
      if (!user || user.disabledAt !== undefined)
        throw new FederationError('not_linked', 'The linked account is not available.');
      await this.federation.touchLink(key, who.email);
      return { userSub: link.userSub, outcome: 'existing' };
    }
    const match =
      idp.linkByEmail && who.emailVerified && who.email
        ? await this.userWithEmail(who.email)
        : undefined;
    if (match) return this.link(idp, who, match, 'linked_by_email');
    if (!idp.jit)
      throw new FederationError('not_linked', 'No account here is linked to that identity.');
    const sub = randomUUID();
    const added = await this.accounts.addUser({
      username: `${idp.slug}:${who.subject}`,
      sub,
      passwordHash: NO_PASSWORD,
      claims: {
        sub,
        preferred_username: who.email ?? `${idp.slug}:${who.subject}`,
        ...(who.name ? { name: who.name } : {}),
        ...(who.email ? { email: who.email, email_verified: who.emailVerified } : {}),
      },
      origin: 'federation',
    });
    if (!added) throw new FederationError('not_linked', 'An account by that name exists already.');
    return this.link(idp, who, sub, 'provisioned');
  }

  private async link(
    idp: LinkingPolicy,
    who: LinkedIdentity,
    userSub: string,
    outcome: LinkOutcome,
  ): Promise<{ userSub: string; outcome: LinkOutcome }> {
    const won = await this.federation.addLink({
      issuer: who.issuer,
      subject: who.subject,
      userSub,
      idpSlug: idp.slug,
      email: who.email,
    });
    // A parallel first sign-in linked it first: that link is the one that counts.
    if (!won) {
      const link = await this.federation.findLink(who);
      if (!link) throw new FederationError('not_linked', 'The identity could not be linked.');
      return { userSub: link.userSub, outcome: 'existing' };
    }
    return { userSub, outcome };
  }

  /** The one enabled local user with this verified email, if exactly one. */
  private async userWithEmail(email: string): Promise<string | undefined> {
    const users = await this.accounts.findUsersByEmail(email);
    const matches = users.filter(
      (u) => u.disabledAt === undefined && u.claims.email_verified === true,
    );
    // Two local users with one address: linking either would be a guess.
    return matches.length === 1 ? matches[0]!.sub : undefined;
  }
}

function checkEmailDomain(idp: LinkingPolicy, who: LinkedIdentity): void {
  if (idp.allowedEmailDomains.length === 0) return;
  const domain = who.email?.slice(who.email.lastIndexOf('@') + 1);
  if (!who.emailVerified || !domain || !idp.allowedEmailDomains.includes(domain))
    throw new FederationError(
      'email_domain_refused',
      'That identity’s email address is not in a domain allowed here.',
    );
}
