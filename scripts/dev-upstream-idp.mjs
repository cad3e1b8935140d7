// `npm run dev:upstream-idp`: a local upstream OpenID provider to try "sign in through your
// company's IdP" without one: a bare oidc-provider on http://localhost:5055 with two users and
// a `groups` claim, whose login page is a choice of user (no password). For development only:
// its signing and cookie keys are oidc-provider's throwaway development ones, and it says so.
//
// Beside it runs a third-party API that trusts only this IdP: a notes API on
// http://localhost:5056 (scripts/dev-upstream-idp/notes-api.mjs). To let our MCP server call
// it with a user's own token (connected accounts), this IdP also grants `notes:read` and
// `offline_access` to our AuthServer, after a consent page, with opaque access tokens for that
// API (RFC 8707) which the API introspects here (RFC 7662).
//
// It prints the `npm run admin -- idps add …` command that registers it with our AuthServer,
// and keeps its client secret in a file (data/dev-upstream-idp/client-secret) so the
// registration stays valid across restarts. It writes (and prints) an APIS_FILE that offers
// the notes API as MCP tools next to the weather API.
//   UPSTREAM_IDP_PORT  its port (5055)
//   NOTES_API_PORT     the notes API's port (5056)
//   ISSUER_URL         our AuthServer, whose /federation/callback and /account/connect-callback
//                      it sends users back to (http://localhost:5001)
//   API_BASE_URL       our weather API, for the APIS_FILE (http://localhost:5000)
//   UPSTREAM_IDP_DIR   where the client secret and the APIS_FILE are kept (data/dev-upstream-idp)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import Provider from 'oidc-provider';
import { introspectAt, NOTES_SCOPE, startNotesApi } from './dev-upstream-idp/notes-api.mjs';
import { consentPage, loginPage } from './dev-upstream-idp/pages.mjs';

const port = Number(process.env.UPSTREAM_IDP_PORT ?? 5055);
const issuer = `http://localhost:${port}`;
const ourIssuer = (process.env.ISSUER_URL ?? 'http://localhost:5001').replace(/\/+$/, '');
const ourApi = (process.env.API_BASE_URL ?? 'http://localhost:5000').replace(/\/+$/, '');
const notesPort = Number(process.env.NOTES_API_PORT ?? 5056);
const notesUrl = `http://localhost:${notesPort}`;
const signInCallback = `${ourIssuer}/federation/callback`;
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
// The notes API's own client here, for introspection only; both live and die in this process.
const notesClient = { id: 'notes-api', secret: randomBytes(24).toString('base64url') };
const requested = (ctx) => String(ctx.oidc.params?.scope ?? '').split(' ');

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: secret.secret,
      redirect_uris: [signInCallback, `${ourIssuer}/account/connect-callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_post',
    },
    {
      client_id: notesClient.id,
      client_secret: notesClient.secret,
      redirect_uris: [],
      response_types: [],
      grant_types: [],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  // The groups go in the ID token, which is all our AuthServer reads.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // A connect request names no resource: asking for the notes scope means the notes API.
      defaultResource: (ctx) => (requested(ctx).includes(NOTES_SCOPE) ? notesUrl : undefined),
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== notesUrl) throw new Error(`unknown resource ${indicator}`);
        return { scope: NOTES_SCOPE, audience: notesUrl, accessTokenFormat: 'opaque' };
      },
    },
  },
  // Cookies ignore ports (RFC 6265 §8.5): on localhost this IdP and our AuthServer, both
  // oidc-provider, would overwrite each other's `_session` and each forget who signed in.
  cookies: {
    names: {
      session: '_dev_idp_session',
      interaction: '_dev_idp_interaction',
      resume: '_dev_idp_resume',
    },
  },
  pkce: { required: () => true },
  findAccount: (_ctx, sub) =>
    users[sub] && {
      accountId: sub,
      claims: () => ({ sub, ...users[sub], email_verified: true }),
    },
  // Signing in to our AuthServer needs no consent here (it is this IdP's only client); reading
  // the notes does, so a connect request goes through the consent page.
  loadExistingGrant: async (ctx) => {
    const { client, params, result, session } = ctx.oidc;
    if (params.redirect_uri !== signInCallback) {
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: client.clientId,
      accountId: session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 4096) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  const scopes = String(details.params.scope ?? '')
    .split(' ')
    .filter((s) => s === NOTES_SCOPE || s === 'offline_access');
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      details.prompt.name === 'login'
        ? loginPage(uid, users)
        : consentPage(uid, {
            clientId: details.params.client_id,
            accountId: details.session?.accountId,
            scopes,
          }),
    );
    return;
  }
  const form = await readForm(req);
  if (details.prompt.name === 'login') {
    const user = form.get('user');
    if (!user || !Object.hasOwn(users, user)) throw new Error('unknown user');
    await provider.interactionFinished(req, res, { login: { accountId: user } });
    return;
  }
  if (form.get('action') !== 'allow') throw new Error('nothing allowed');
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({
        clientId: details.params.client_id,
        accountId: details.session.accountId,
      });
  const oidcScopes = scopes.filter((s) => s !== NOTES_SCOPE);
  if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
  if (scopes.includes(NOTES_SCOPE)) grant.addResourceScope(notesUrl, NOTES_SCOPE);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
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

/** The APIS_FILE: the weather API as the built-in list has it, and the notes API. */
function writeApisFile() {
  const apis = {
    apis: [
      {
        name: 'weather',
        resource: ourApi,
        scopes: ['weatherget', 'api'],
        openapi: `${ourApi}/swagger-json`,
        baseUrl: ourApi,
        dpop: true,
      },
      {
        name: 'notes',
        resource: notesUrl,
        scopes: [NOTES_SCOPE],
        openapi: `${notesUrl}/openapi.json`,
        baseUrl: notesUrl,
        auth: { provider: 'dev', scopes: [NOTES_SCOPE, 'offline_access'] },
      },
    ],
  };
  const path = join(dir, 'apis.json');
  const text = `${JSON.stringify(apis, null, 2)}\n`;
  writeFileSync(path, text);
  return { path, text };
}

const quote = (text) => (/^[\w./:@=,-]+$/.test(text) ? text : JSON.stringify(text));
const listening = (what, port) =>
  new Promise((resolve, reject) => {
    what.once('error', reject);
    what.listen(port, '127.0.0.1', resolve);
  });

await listening(server, port);
const notesApi = await startNotesApi({
  port: notesPort,
  url: notesUrl,
  issuer,
  introspect: (token) => introspectAt(issuer, notesClient, token),
});
const apisFile = writeApisFile();
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
    `  sends users back to ${signInCallback}`,
    `  and, connecting an account, to ${ourIssuer}/account/connect-callback`,
    `  client secret in ${secret.path}`,
    `Notes API (a third-party API that trusts only this IdP) at ${notesUrl}`,
    `  its OpenAPI document: ${notesUrl}/openapi.json; scope ${NOTES_SCOPE}`,
    `APIS_FILE offering its tools next to the weather API, written to ${apisFile.path}:`,
    apisFile.text.replace(/^/gm, '  ').trimEnd(),
    '  CONNECTED_ACCOUNTS_KEYS can stay unset in development: the AuthServer then seals the',
    "  users' notes tokens with a public development key and says so at start (production",
    '  refuses to start without your own keys: README, "Connected accounts").',
    'Register it with our AuthServer (once):',
    `  ${command}`,
    'Then start the system with the notes tools:',
    `  APIS_FILE=${quote(apisFile.path)} npm run start:dev`,
    '',
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    void notesApi.close();
    server.close(() => process.exit(0));
  });
