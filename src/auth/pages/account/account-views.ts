import { markup, type SafeHtml } from '../html';
import { page } from '../views';

/** One app the user has granted access, as the account page shows it. */
export interface ConnectedAppView {
  readonly grantId: string;
  readonly name: string;
  /** Set for apps that registered themselves or name a metadata URL: their name proves nothing. */
  readonly unverified?: {
    /** Hosts the app's redirect URIs send the browser to. */
    readonly redirectHosts: readonly string[];
    /** A Client ID Metadata Document client's own host. */
    readonly metadataHost?: string;
  };
  readonly scopes: readonly string[];
  readonly resources: readonly { id: string; name: string; scopes: readonly string[] }[];
  readonly grantedAt: Date | undefined;
  readonly lastUsedAt: Date | undefined;
}

/** An upstream identity (src/auth/federation) the user signs in with. */
export interface LinkedIdentityView {
  /** The upstream's display name. */
  readonly provider: string;
  /** The email the upstream asserted at the latest sign-in. */
  readonly email: string | undefined;
  readonly linkedAt: Date;
  readonly lastUsedAt: Date;
}

/** Where the listed apps sit among all of the account's. */
export interface AppsPaging {
  /** The account's apps on every page. */
  readonly total: number;
  /** `total` is where counting stopped: there may be more. */
  readonly totalCapped: boolean;
  /** Set on an older page: the link back to the newest apps. */
  readonly newestHref?: string;
  /** Set when older apps follow: the link to them. */
  readonly olderHref?: string;
}

export interface AccountView {
  readonly userName: string;
  readonly csrf: string;
  readonly revokeAction: string;
  readonly signOutHref: string;
  readonly apps: readonly ConnectedAppView[];
  /** Absent: `apps` are all of the account's apps. */
  readonly paging?: AppsPaging;
  readonly identities: readonly LinkedIdentityView[];
  /** After a revocation (POST, then redirect here), the page says it happened. */
  readonly revoked: boolean;
  /** The user's connected accounts at third-party services (./connections-view.ts). */
  readonly connections?: SafeHtml;
}

/** UTC, minute precision: the page has no script to localise a time, so it says which zone. */
function when(date: Date | undefined): SafeHtml | string {
  if (!date) return 'not on record';
  const text = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return markup`<time datetime="${date.toISOString()}">${text}</time>`;
}

function codes(values: readonly string[]): SafeHtml[] {
  return values.map((v) => markup`<code>${v}</code> `);
}

function unverifiedFacts(app: ConnectedAppView): SafeHtml {
  const facts = app.unverified;
  if (!facts) return markup``;
  return markup`${facts.metadataHost && markup`<dt>Described at</dt><dd>${facts.metadataHost}</dd>`}
    <dt>Sends you to</dt>
    <dd>${facts.redirectHosts.length > 0 ? facts.redirectHosts.join(', ') : 'no web address'}</dd>`;
}

function appEntry(app: ConnectedAppView, view: AccountView): SafeHtml {
  const resources = app.resources.map(
    (r) => markup`<div><strong>${r.name}</strong> <code>${r.id}</code> ${codes(r.scopes)}</div>`,
  );
  return markup`<li class="app">
    <h2>
      <span class="app-name">${app.name}</span>
      ${app.unverified && markup`<span class="badge">Unverified</span>`}
    </h2>
    <dl>
      ${unverifiedFacts(app)}
      <dt>Can</dt>
      <dd>${app.scopes.length > 0 ? codes(app.scopes) : 'nothing beyond signing you in'}</dd>
      ${resources.length > 0 && markup`<dt>At</dt><dd>${resources}</dd>`}
      <dt>Granted</dt>
      <dd>${when(app.grantedAt)}</dd>
      <dt>Last used</dt>
      <dd>${when(app.lastUsedAt)}</dd>
    </dl>
    <form method="post" action="${view.revokeAction}" class="actions">
      <input type="hidden" name="csrf" value="${view.csrf}" />
      <input type="hidden" name="grant" value="${app.grantId}" />
      <button type="submit" class="danger" aria-label="Revoke access of ${app.name}">
        Revoke access
      </button>
    </form>
  </li>`;
}

function identityEntry(identity: LinkedIdentityView): SafeHtml {
  return markup`<li class="identity">
    <h3>${identity.provider}</h3>
    <dl>
      <dt>Email</dt>
      <dd>${identity.email ?? 'none given'}</dd>
      <dt>Linked</dt>
      <dd>${when(identity.linkedAt)}</dd>
      <dt>Last used</dt>
      <dd>${when(identity.lastUsedAt)}</dd>
    </dl>
  </li>`;
}

const count = (n: number, capped: boolean) =>
  `${capped ? 'at least ' : ''}${n} app${n === 1 && !capped ? '' : 's'}`;

/** How many apps there are beside the listed ones, and the links to them. */
function appsPaging(view: AccountView): SafeHtml {
  const paging = view.paging;
  if (!paging || (!paging.newestHref && !paging.olderHref)) return markup``;
  const shown = view.apps.length;
  const summary = paging.newestHref
    ? `Older apps: ${shown} of ${count(paging.total, paging.totalCapped)} with access.`
    : `The ${shown} most recently connected of ${count(paging.total, paging.totalCapped)} with ` +
      `access; ${paging.totalCapped ? 'at least ' : ''}${Math.max(paging.total - shown, 0)} ` +
      'more are older.';
  return markup`<nav class="paging" aria-label="More apps">
    <p>${summary}</p>
    <p>
      ${paging.newestHref && markup`<a href="${paging.newestHref}">Newest apps</a>`}
      ${paging.olderHref && markup`<a href="${paging.olderHref}">Older apps</a>`}
    </p>
  </nav>`;
}

/** Only for users who have one: a password-only user has nothing to see here. */
function linkedIdentities(identities: readonly LinkedIdentityView[]): SafeHtml {
  if (identities.length === 0) return markup``;
  return markup`<section class="identities" aria-labelledby="identities-heading">
    <h2 id="identities-heading">Linked identities</h2>
    <p>You can sign in here through these identity providers.</p>
    <ul>
      ${identities.map(identityEntry)}
    </ul>
  </section>`;
}

export function accountPage(view: AccountView): string {
  return page(
    'Connected apps',
    markup`<h1>Connected apps</h1>
      <p class="lead">
        Signed in as <strong>${view.userName}</strong>. These apps can act for you until you
        revoke their access; revoking signs the app out at once.
      </p>
      ${view.revoked && markup`<p class="notice" role="status">Access revoked.</p>`}
      ${
        view.apps.length > 0
          ? markup`<ul class="apps">
              ${view.apps.map((app) => appEntry(app, view))}
            </ul>`
          : view.paging?.newestHref
            ? markup`<p>No older apps.</p>`
            : markup`<p>No app has access to your account.</p>`
      }
      ${appsPaging(view)}
      ${linkedIdentities(view.identities)}
      ${view.connections}
      <p class="hint"><a href="${view.signOutHref}">Sign out</a></p>`,
    'wide',
  );
}
