// The bench's baselines: oidc-provider alone (same version as the server), its default in-memory
// adapter, no Nest, issuing what our server issues for the same two grants:
// - client credentials for `m2m.client`: an RS256 JWT access token for the API;
// - refresh with rotation for the public client `interactive`: a new refresh token every time,
//   an RS256 JWT access token for the API (the refresh token's resource) and an ID token.
// The options below mirror src/auth/provider/ wherever they change what a request does.
// `node scripts/bench/bare-provider.mjs <port> <resource> <chains>`; when listening it prints
// "ready", then one JSON line `{"refreshTokens": [...]}`: one starting token per chain.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, resource, chains] = [
  Number(process.argv[2]),
  process.argv[3],
  Number(process.argv[4] ?? 0),
];
const DAY = 24 * 60 * 60;
const ACCOUNT = 'bench-user';
const USER_SCOPE = 'openid offline_access weatherget';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(`http://localhost:${port}`, {
  clients: [
    {
      client_id: 'm2m.client',
      client_secret: '511536EF-F270-4058-80CA-1C89C192F69A',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api',
    },
    {
      client_id: 'interactive',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://localhost:5001/signin-oidc'],
      scope: 'openid profile email api weatherget offline_access',
    },
  ],
  scopes: ['openid', 'profile', 'email', 'api', 'weatherget', 'offline_access'],
  claims: { openid: ['sub'] },
  conformIdTokenClaims: false,
  jwks: {
    keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }],
  },
  // Ours looks the user up; the baseline has one user and no store.
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  // Ours rotates on every use (its reuse window aside, which the bench never enters).
  rotateRefreshToken: true,
  // Ours names the grant in every access token, so that revoking it reaches them.
  extraTokenClaims: (_ctx, token) => (token.grantId ? { gid: token.grantId } : undefined),
  ttl: { IdToken: 3600, RefreshToken: 14 * DAY, Grant: 14 * DAY, Session: 14 * DAY },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      // Without it an `openid` refresh would yield a userinfo token instead of the API's JWT.
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api weatherget',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 300,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  routes: { token: '/connect/token' },
});

/**
 * The records a code flow at our server leaves behind for `interactive` (session, grant and
 * refresh token, field for field as ours stores them), written through oidc-provider's own
 * models. A refresh reads exactly these: the token, its grant, its session (the token expires
 * with it, as ours do) and the account; so the refresh requests are the same as after a real
 * code flow, without login pages the baseline would otherwise need just to start.
 */
async function startingRefreshToken(client) {
  const session = new provider.Session();
  session.loginAccount({ accountId: ACCOUNT });
  const grant = new provider.Grant({ accountId: ACCOUNT, clientId: client.clientId });
  grant.addOIDCScope(USER_SCOPE);
  grant.addResourceScope(resource, 'weatherget');
  const grantId = await grant.save();
  session.ensureClientContainer(client.clientId);
  session.grantIdFor(client.clientId, grantId);
  await session.save(14 * DAY);
  const token = new provider.RefreshToken({
    accountId: ACCOUNT,
    authTime: session.authTime(),
    client,
    expiresWithSession: true,
    grantId,
    gty: 'authorization_code',
    resource,
    rotations: 0,
    scope: USER_SCOPE,
    sessionUid: session.uid,
  });
  return token.save();
}

const interactive = await provider.Client.find('interactive');
const refreshTokens = [];
for (let i = 0; i < chains; i++) refreshTokens.push(await startingRefreshToken(interactive));
provider.listen(port, '127.0.0.1', () =>
  process.stdout.write(`ready\n${JSON.stringify({ refreshTokens })}\n`),
);
