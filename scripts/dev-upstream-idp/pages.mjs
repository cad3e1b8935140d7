// The dev IdP's two interaction pages: who signs in (no password), and whether our AuthServer
// may read that user's notes. Every value shown comes from this script or from a scope list
// oidc-provider validated, but it is escaped all the same.
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>${title}</title></head>
<body><h1>Dev upstream IdP</h1>
${body}
</body></html>`;

export function loginPage(uid, users) {
  const buttons = Object.entries(users)
    .map(
      ([id, u]) =>
        `<p><button type="submit" name="user" value="${escape(id)}">${escape(u.name)}</button> groups: ${escape(u.groups.join(', '))}</p>`,
    )
    .join('\n');
  return page(
    'Dev upstream IdP',
    `<p>Sign in as (no password: development only):</p>
<form method="post" action="/interaction/${escape(uid)}">
${buttons}
</form>`,
  );
}

const SCOPE_TEXTS = {
  'notes:read': 'read your notes in the notes API',
  offline_access: 'keep that access while you are away (a refresh token)',
};

export function consentPage(uid, { clientId, accountId, scopes }) {
  const items = scopes
    .map((s) => `<li><code>${escape(s)}</code>: ${escape(SCOPE_TEXTS[s] ?? s)}</li>`)
    .join('\n');
  return page(
    'Allow access - Dev upstream IdP',
    `<p>Signed in as <strong>${escape(accountId)}</strong>.</p>
<p>Allow <strong>${escape(clientId)}</strong> to:</p>
<ul>
${items}
</ul>
<form method="post" action="/interaction/${escape(uid)}">
<button type="submit" name="action" value="allow">Allow</button>
</form>`,
  );
}
