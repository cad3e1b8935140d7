/** Server-rendered pages of the authorization server: escaped by default, no client-side script. */
import { markup, type SafeHtml, trustedHtml } from './html';

/**
 * Headers for every page we render. The consent page must never be framed (a framed "Allow"
 * button is clickjacking); the pages run no script and load only our stylesheet and icon. No
 * `form-action`: Chromium applies it to the redirect after a form post, which here leaves for
 * the client's redirect URI on another origin.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it browsers send `Origin: null` on the form posts, which we refuse.
  'referrer-policy': 'same-origin',
};

/** `wide` gives the card room for a list (the account page). */
export function page(title: string, body: SafeHtml, width: 'narrow' | 'wide' = 'narrow'): string {
  return markup`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · api-mcp-auth</title>
        <link rel="stylesheet" href="/assets/auth.css" />
        <link rel="icon" href="/favicon.ico" type="image/svg+xml" />
      </head>
      <body>
        <main class="${width === 'wide' ? 'card wide' : 'card'}">
          <p class="brand">api-mcp-auth</p>
          ${body}
        </main>
      </body>
    </html>`.toString();
}

/** Who asks. `unverified` is set for every client that registered itself or names a metadata URL. */
export interface ClientView {
  readonly name: string;
  readonly unverified?: {
    /** Where the browser goes after the user answers: the host that receives the code. */
    readonly redirectHost: string;
    /** A Client ID Metadata Document client's own host (its client_id URL). */
    readonly metadataHost?: string;
  };
}

/**
 * RFC 7591 §5 (client metadata is self-asserted), RFC 9700 §4.11: a self-registered client can
 * call itself anything ("Weather SPA") to phish for consent. Its name proves nothing; the host
 * the code is sent to is the fact the user can judge.
 */
function unverifiedNotice(client: ClientView): SafeHtml {
  const facts = client.unverified;
  if (!facts) return markup``;
  return markup`<div class="unverified" role="note">
    <strong class="badge">Unverified app</strong>
    <p>
      This server has not verified <strong>${client.name}</strong>: the app named
      itself.${
        facts.metadataHost
          ? markup` It describes itself at <strong>${facts.metadataHost}</strong>.`
          : ''
      }
    </p>
    <p>
      Continuing sends you to <strong class="redirect-host">${facts.redirectHost}</strong>. Only
      continue if you trust that site.
    </p>
  </div>`;
}

export interface LoginView {
  readonly action: string;
  readonly csrf: string;
  readonly client: ClientView;
  readonly username?: string;
  readonly error?: string;
  readonly devHint: boolean;
  /** "Continue with …" for each upstream IdP (src/auth/federation). */
  readonly upstreams?: readonly UpstreamButton[];
}

export interface UpstreamButton {
  readonly action: string;
  readonly displayName: string;
}

/** Posted forms, so the interaction's CSRF token comes along. */
function upstreamButtons(csrf: string, buttons: readonly UpstreamButton[]): SafeHtml {
  if (buttons.length === 0) return markup``;
  return markup`<div class="upstreams">
    <p class="hint">or</p>
    ${buttons.map(
      (b) => markup`<form method="post" action="${b.action}">
        <input type="hidden" name="csrf" value="${csrf}" />
        <button type="submit" class="upstream">Continue with ${b.displayName}</button>
      </form>`,
    )}
  </div>`;
}

const DEV_HINT = markup`<p class="hint">
  Development users: <code>alice</code> / <code>alice</code>, <code>bob</code> / <code>bob</code>
</p>`;

export function loginPage(view: LoginView): string {
  return page(
    'Sign in',
    markup`<h1>Sign in</h1>
      <p class="lead">to continue to <strong>${view.client.name}</strong></p>
      ${unverifiedNotice(view.client)}
      ${view.error && markup`<p class="error" role="alert">${view.error}</p>`}
      <form method="post" action="${view.action}" autocomplete="on">
        <input type="hidden" name="csrf" value="${view.csrf}" />
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          required
          autofocus
          maxlength="256"
          value="${view.username ?? ''}"
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          maxlength="1024"
        />
        <div class="actions">
          <button type="submit" name="action" value="login" class="primary">Sign in</button>
          <button type="submit" name="action" value="abort" formnovalidate>Cancel</button>
        </div>
      </form>
      ${upstreamButtons(view.csrf, view.upstreams ?? [])}
      ${view.devHint && DEV_HINT}`,
  );
}

export interface ConsentView {
  readonly action: string;
  readonly csrf: string;
  readonly client: ClientView;
  readonly userName: string;
  readonly scopes: readonly { name: string; description: string }[];
  readonly resources: readonly { id: string; name: string; scopes: readonly string[] }[];
  /** The user signed in through an upstream IdP: what it said, and what its rules withhold. */
  readonly upstream?: {
    readonly name: string;
    readonly claims: readonly (readonly [string, string])[];
    readonly withheld: readonly string[];
  };
}

function upstreamFacts(upstream: ConsentView['upstream']): SafeHtml {
  if (!upstream) return markup``;
  return markup`<div class="upstream-facts" role="note">
    <p>You signed in with <strong>${upstream.name}</strong>.${
      upstream.claims.length > 0 && markup` It says:`
    }</p>
    ${
      upstream.claims.length > 0 &&
      markup`<ul class="upstream-claims">
        ${upstream.claims.map(([k, v]) => markup`<li><code>${k}</code>: ${v}</li> `)}
      </ul>`
    }
    ${
      upstream.withheld.length > 0 &&
      markup`<p class="withheld">
        Not granted, by ${upstream.name}'s rules:
        ${upstream.withheld.map((s) => markup`<code>${s}</code> `)}
      </p>`
    }
  </div>`;
}

export function consentPage(view: ConsentView): string {
  const scopes = view.scopes.map((s) => markup`<li><code>${s.name}</code> ${s.description}</li> `);
  const resources = view.resources.map(
    (r) =>
      markup`<li>
        <strong>${r.name}</strong> <code>${r.id}</code>${
          r.scopes.length > 0 && markup` with ${r.scopes.map((s) => markup`<code>${s}</code> `)}`
        }
      </li> `,
  );
  return page(
    'Allow access',
    markup`<h1>Allow access?</h1>
      <p class="lead">
        <strong>${view.client.name}</strong> wants to act for <strong>${view.userName}</strong>.
      </p>
      ${unverifiedNotice(view.client)} ${upstreamFacts(view.upstream)}
      ${
        scopes.length > 0 &&
        markup`<h2>It asks to</h2>
          <ul class="scopes">
            ${scopes}
          </ul>`
      }
      ${
        resources.length > 0 &&
        markup`<h2>At these services</h2>
          <ul class="resources">
            ${resources}
          </ul>`
      }
      <form method="post" action="${view.action}">
        <input type="hidden" name="csrf" value="${view.csrf}" />
        <div class="actions">
          <button type="submit" name="action" value="allow" class="primary">Allow</button>
          <button type="submit" name="action" value="deny">Deny</button>
        </div>
      </form>`,
  );
}

export function messagePage(title: string, message: string, detail?: string): string {
  return page(
    title,
    markup`<h1>${title}</h1>
      <p class="lead">${message}</p>
      ${detail && markup`<p class="detail"><code>${detail}</code></p>`}`,
  );
}

/** `form` is oidc-provider's own logout form (its markup, with its CSRF field), not request data. */
export function logoutPage(form: string, clientName: string | undefined): string {
  return page(
    'Sign out',
    markup`<h1>Sign out?</h1>
      <p class="lead">
        ${clientName ? markup`<strong>${clientName}</strong> asks to sign you out.` : 'Sign out of api-mcp-auth.'}
      </p>
      ${trustedHtml(form)}
      <div class="actions">
        <button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">
          Yes, sign me out
        </button>
        <button type="submit" form="op.logoutForm">No, stay signed in</button>
      </div>`,
  );
}
