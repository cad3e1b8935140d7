/** Server-rendered pages of the authorization server: small, escaped, no client-side script. */

/**
 * Headers for every page we render. The consent page must never be framed (a framed "Allow"
 * button is clickjacking); the pages run no script and load only our stylesheet. No
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

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · api-mcp-auth</title>
<link rel="stylesheet" href="/assets/auth.css">
</head>
<body>
<main class="card">
<p class="brand">api-mcp-auth</p>
${body}
</main>
</body>
</html>`;
}

export interface LoginView {
  readonly action: string;
  readonly csrf: string;
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
  readonly devHint: boolean;
}

export function loginPage(view: LoginView): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p class="lead">to continue to <strong>${escapeHtml(view.clientName)}</strong></p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.action)}" autocomplete="on">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(view.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions">
<button type="submit" name="action" value="login" class="primary">Sign in</button>
<button type="submit" name="action" value="abort" formnovalidate>Cancel</button>
</div>
</form>
${view.devHint ? '<p class="hint">Development users: <code>alice</code> / <code>alice</code>, <code>bob</code> / <code>bob</code></p>' : ''}`,
  );
}

export interface ConsentView {
  readonly action: string;
  readonly csrf: string;
  readonly clientName: string;
  readonly clientHost?: string;
  readonly userName: string;
  readonly scopes: readonly { name: string; description: string }[];
  readonly resources: readonly { id: string; name: string; scopes: readonly string[] }[];
}

export function consentPage(view: ConsentView): string {
  const scopes = view.scopes
    .map((s) => `<li><code>${escapeHtml(s.name)}</code> ${escapeHtml(s.description)}</li>`)
    .join('\n');
  const resources = view.resources
    .map(
      (r) =>
        `<li><strong>${escapeHtml(r.name)}</strong> <code>${escapeHtml(r.id)}</code>${
          r.scopes.length
            ? ` with ${r.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}`
            : ''
        }</li>`,
    )
    .join('\n');
  return page(
    'Allow access',
    `<h1>Allow access?</h1>
<p class="lead"><strong>${escapeHtml(view.clientName)}</strong>${
      view.clientHost ? ` (from <strong>${escapeHtml(view.clientHost)}</strong>)` : ''
    } wants to act for <strong>${escapeHtml(view.userName)}</strong>.</p>
${scopes ? `<h2>It asks to</h2><ul class="scopes">${scopes}</ul>` : ''}
${resources ? `<h2>At these services</h2><ul class="resources">${resources}</ul>` : ''}
<form method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
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
    `<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(message)}</p>
${detail ? `<p class="detail"><code>${escapeHtml(detail)}</code></p>` : ''}`,
  );
}

export function logoutPage(form: string, clientName: string | undefined): string {
  return page(
    'Sign out',
    `<h1>Sign out?</h1>
<p class="lead">${clientName ? `<strong>${escapeHtml(clientName)}</strong> asks to sign you out.` : 'Sign out of api-mcp-auth.'}</p>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>
</div>`,
  );
}

export const STYLESHEET = `
:root { color-scheme: light dark; --accent: #2457d6; --bg: #f4f6fb; --card: #fff; --text: #1b1f2a; --muted: #5b6475; --danger: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --bg: #11141b; --card: #1b202b; --text: #e8ebf2; --muted: #9aa3b5; --accent: #7ea2ff; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 1rem; }
.card { width: 100%; max-width: 26rem; background: var(--card); border-radius: 12px; padding: 2rem;
  box-shadow: 0 2px 12px rgb(0 0 0 / 0.08); }
.brand { margin: 0 0 1rem; font-weight: 600; color: var(--accent); letter-spacing: .02em; }
h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
h2 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
.lead { margin: 0 0 1rem; color: var(--muted); }
label { display: block; margin: .75rem 0 .25rem; font-weight: 500; }
input { width: 100%; padding: .6rem .75rem; border: 1px solid #aab2c3; border-radius: 8px; font: inherit;
  background: transparent; color: inherit; }
.actions { display: flex; gap: .5rem; margin-top: 1.5rem; flex-wrap: wrap; }
button { font: inherit; padding: .6rem 1.1rem; border-radius: 8px; border: 1px solid #aab2c3;
  background: transparent; color: inherit; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.error { color: var(--danger); font-weight: 500; }
.hint, .detail { color: var(--muted); font-size: .875rem; margin-top: 1.5rem; }
ul { padding-left: 1.2rem; } li { margin: .25rem 0; }
code { font-size: .875em; }
`;
