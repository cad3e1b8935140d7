import type { Configuration, KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { JWK } from 'jose';
import type { AuthConfig, SharedConfig } from '../../config/config';
import { adapterFor } from '../../storage/oidc-adapter';
import { AuthStore } from '../../storage/store';
import { RevocationList } from '../../storage/revocation-list';
import { accessTokenClaims } from '../tokens/access-token-claims';
import { seedClients } from './clients';
import { IssuedTokenVerifier, publicJwks } from '../tokens/issued-tokens';
import { allowLoopbackPortVariance } from './loopback-redirects';
import { ResourceRegistry } from './resources';
import { CLAIMS, SCOPES } from './scopes';
import { useStructuredTokenEndpoints } from '../tokens/structured-tokens.middleware';
import { tokenAccessPolicy, TokenOwnership } from '../tokens/token-access.policy';
import { registerTokenExchange } from '../tokens/token-exchange.grant';
import { RefreshTokenReuse } from '../tokens/refresh-token-reuse';
import { UserDirectory } from '../users/users';
import { logoutPage, messagePage, PAGE_HEADERS } from '../interaction/views';

export interface ProviderDependencies {
  readonly shared: SharedConfig;
  readonly config: AuthConfig;
  /** Whether a trusted proxy sits in front (TRUST_PROXY): then X-Forwarded-Proto counts. */
  readonly behindProxy: boolean;
  readonly store: AuthStore;
  readonly users: UserDirectory;
  readonly signingKeys: { keys: JWK[] };
  readonly cookieKeys: string[];
  readonly fetch: typeof fetch;
}

export const ROUTES = {
  authorization: '/connect/authorize',
  token: '/connect/token',
  userinfo: '/connect/userinfo',
  end_session: '/connect/endsession',
  introspection: '/connect/introspect',
  revocation: '/connect/revocation',
  registration: '/connect/register',
  jwks: '/.well-known/openid-configuration/jwks',
} as const;

const DAY = 24 * 60 * 60;

export function createProvider(deps: ProviderDependencies): Provider {
  const { shared, config, store, users } = deps;
  const resources = new ResourceRegistry(shared, config.accessTokenTtlSeconds);
  const revocations = new RevocationList(store);
  const refreshReuse = new RefreshTokenReuse(store, config.refreshTokenReuseGraceSeconds);
  // How long a revoked grant must stay on the list: until its last access token has expired.
  const longestAccessTokenTtl = Math.max(
    config.accessTokenTtlSeconds,
    config.exchangedTokenTtlSeconds,
  );
  const mayAccess = tokenAccessPolicy(new Map([[shared.clientIds.mcpServer, [resources.mcp.id]]]));
  const allowedPolicy = (
    _ctx: KoaContextWithOIDC,
    client: { clientId: string },
    token: TokenOwnership,
  ) => mayAccess(client.clientId, token);

  const configuration: Configuration = {
    adapter: adapterFor(store, {
      onGrantRevoked: (grantId) =>
        revocations.revokeGrant(grantId, Math.floor(Date.now() / 1000) + longestAccessTokenTtl),
    }),
    clients: seedClients(shared, config, resources),
    jwks: deps.signingKeys,
    cookies: { keys: deps.cookieKeys },
    scopes: [...new Set([...SCOPES, ...resources.scopes])],
    claims: Object.fromEntries(Object.entries(CLAIMS).map(([k, v]) => [k, [...v]])),
    // The SPA reads profile claims from the ID token: its access tokens are bound to resource
    // servers, so userinfo (which needs a userinfo-audience token) is not its source.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const user = users.findBySubject(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ ...user }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    routes: { ...ROUTES },
    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: refreshReuse.rotate,
    // OAuth 2.1 clients refresh without the OIDC-only offline_access scope (MCP clients rarely
    // ask for it); the client's registered grant types decide.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: (_ctx, token) =>
        token.resourceServer?.accessTokenTTL ?? config.accessTokenTtlSeconds,
      ClientCredentials: (_ctx, token) =>
        token.resourceServer?.accessTokenTTL ?? config.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * DAY,
      Grant: 14 * DAY,
      RefreshToken: 14 * DAY,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // The bundled types model introspection as a union they then reject, hence the cast.
      introspection: { enabled: true, allowedPolicy } as never,
      revocation: { enabled: true, allowedPolicy },
      userinfo: { enabled: true },
      registration: { enabled: true },
      // Client ID Metadata Documents: a client_id that is an https URL names its own metadata.
      // oidc-provider fetches it with a 2.5 s timeout, a size limit, no redirects, refusal of
      // special-use IP addresses (SSRF), an LRU cache bounded by Cache-Control, requires the
      // document's client_id to equal the URL and forbids shared secrets.
      clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.set(PAGE_HEADERS);
          ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.set(PAGE_HEADERS);
          ctx.body = messagePage('Signed out', 'You are signed out. You can close this window.');
        },
      },
      resourceIndicators: resources.feature(),
    },
    renderError: (ctx, out) => {
      ctx.set(PAGE_HEADERS);
      ctx.body = messagePage(
        'Sign-in problem',
        out.error_description ?? 'The request could not be completed.',
        out.error,
      );
    },
    extraTokenClaims: (_ctx, token) => accessTokenClaims(token),
    fetch: deps.fetch,
    // Browser clients may call the token, revocation and userinfo endpoints from the origins
    // of their own redirect URIs (the SPA, Swagger UI, browser-based MCP clients).
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
  };

  const provider = new (refreshReuse.providerClass())(shared.issuer, configuration);
  // Behind a TLS-terminating proxy the public URL comes from X-Forwarded-*.
  provider.proxy = deps.behindProxy;

  const verifier = new IssuedTokenVerifier(
    shared.issuer,
    publicJwks(deps.signingKeys),
    revocations,
  );
  registerTokenExchange(provider, verifier, resources, [
    {
      clientId: shared.clientIds.mcpServer,
      subjectAudience: resources.mcp.id,
      targets: resources.apis.map((r) => r.id),
      ttlSeconds: config.exchangedTokenTtlSeconds,
    },
  ]);
  useStructuredTokenEndpoints(provider, verifier, revocations, mayAccess);
  allowLoopbackPortVariance(provider);
  return provider;
}
