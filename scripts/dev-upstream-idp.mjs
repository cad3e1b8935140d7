// `npm run dev:upstream-idp`: a local upstream OpenID provider to try "sign in through your
// company's IdP" without one: a bare oidc-provider on http://localhost:5055 with two users and
// a `groups` claim, whose login page is a choice of user (no password). For development only:
// its signing and cookie keys are oidc-provider's throwaway development ones, and it says so.
//
// It prints the `npm run admin -- idps add …` command that registers it with our AuthServer,
// and keeps its client secret in a file (data/dev-upstream-idp/client-secret) so the
// registration stays valid across restarts.
//   UPSTREAM_IDP_PORT  its port (5055)
//   ISSUER_URL         our AuthServer, whose /federation/callback it sends users back to
//                      (http://localhost:5001)
//   UPSTREAM_IDP_DIR   where the client secret is kept (data/dev-upstream-idp)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import Provider from 'oidc-provider';

const port = Number(process.env.UPSTREAM_IDP_PORT ?? 5055);
const issuer = `http://localhost:${port}`;
const ourIssuer = (process.env.ISSUER_URL ?? 'http://localhost:5001').replace(/\/+$/, '');
const dir = resolve(process.env.UPSTREAM_IDP_DIR ?? join('data', 'dev-upstream-idp'));
const clientId = 'api-mcp-auth';

const users = {
  ada: { name: 'Ada Reader', email: 'ada@dev-idp.test', groups: ['staff', 'weather-readers'] },
  bob: { name: 'Bob Staff', email: 'bob@dev-idp.test', groups: ['staff'] },
};

function clientSecret() {
  const path = join(dir, 'client-secret');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return { path, secret: readFileSync(path, 'utf8').trim() };
}

const secret = clientSecret();
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: secret.secret,
      redirect_uris: [`${ourIssuer}/federation/callback`],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  // The groups go in the ID token, which is all our AuthServer reads.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  findAccount: (_ctx, sub) =>
    users[sub] && {
      accountId: sub,
      claims: () => ({ sub, ...users[sub], email_verified: true }),
    },
  // Our AuthServer is this IdP's only client: no consent step here.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

function loginPage(uid) {
  const buttons = Object.entries(users)
    .map(
      ([id, u]) =>
        `<p><button type="submit" name="user" value="${id}">${u.name}</button> groups: ${u.groups.join(', ')}</p>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>Dev upstream IdP</title></head>
<body><h1>Dev upstream IdP</h1><p>Sign in as (no password: development only):</p>
<form method="post" action="/interaction/${uid}">
${buttons}
</form></body></html>`;
}

async function interaction(req, res, uid) {
  if (req.method === 'GET') {
    await provider.interactionDetails(req, res);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(loginPage(uid));
    return;
  }
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 4096) throw new Error('form too large');
  }
  const user = new URLSearchParams(body).get('user');
  if (!user || !Object.hasOwn(users, user)) throw new Error('unknown user');
  await provider.interactionFinished(req, res, { login: { accountId: user } });
}

const callback = provider.callback();
const server = createServer((req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '');
  if (!match) return void callback(req, res);
  interaction(req, res, match[1]).catch((error) => {
    res.statusCode = 400;
    res.end(`sign-in failed: ${error.message}\n`);
  });
});

const quote = (text) => (/^[\w./:@=,-]+$/.test(text) ? text : JSON.stringify(text));
server.listen(port, '127.0.0.1', () => {
  const command = [
    'npm run admin -- idps add dev',
    `--issuer ${issuer}`,
    `--client-id ${clientId}`,
    `--client-secret-file ${quote(secret.path)}`,
    '--name "Dev IdP"',
    '--jit on',
    '--rule weatherget:groups=weather-readers',
  ].join(' ');
  process.stdout.write(
    [
      `Dev upstream IdP (development only) at ${issuer}`,
      `  users: ${Object.entries(users)
        .map(([id, u]) => `${id} (${u.groups.join(', ')})`)
        .join(', ')}`,
      `  sends users back to ${ourIssuer}/federation/callback`,
      `  client secret in ${secret.path}`,
      'Register it with our AuthServer (once):',
      `  ${command}`,
      '',
    ].join('\n'),
  );
});

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => server.close(() => process.exit(0)));
