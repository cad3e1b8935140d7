import { ID_JAG_GRANT_PROFILE, ID_JAG_TOKEN_TYPE } from '../catalog/grant-types';
import { errors, type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuthConfig } from '../../config/config';
import { accountReadWithRefreshToken } from '../../storage/oidc-adapter';
import { accessTokenClaims } from '../tokens/access-token-claims';
import { resourceIndicators } from '../tokens/resource-server';
import type { TokenAccessPolicy, TokenOwnership } from '../tokens/token-access.policy';
import { UserDirectory } from '../users/users';
import { messagePage, PAGE_HEADERS } from '../pages/views';
import { ConfiguredClients } from '../catalog/clients';
import { loadExistingGrant } from './account-grant';
import { limitMachineClients } from './client-credentials.policy';
import { defaultScope } from './default-scope';
import { logoutPages } from './logout';
import type { MachineDirectory } from './machine-directory';
import { throttledRegistration } from './registration-gate';
import { registrationPolicy } from './registration.policy';
import type { RegistrationThrottle } from './registration-throttle';
import { ResourceRegistry } from '../catalog/resources';
import { DPOP_SIGNING_ALGS } from '../../config/dpop';
import { ROUTES } from '../../config/protocol';
import { usesDisallowedGrant } from './unauthorized-client';
import { CLAIMS, SCOPES } from '../catalog/scopes';

const DAY = 24 * 60 * 60;

/** What the configuration is built from; each part is made by createProvider. */
export interface ConfigurationParts {
  readonly config: AuthConfig;
  readonly adapter: new (model: string) => Adapter;
  readonly clients: ConfiguredClients;
  readonly users: UserDirectory;
  readonly resources: ResourceRegistry;
  /** Who may use client credentials, for which resources and scopes. */
  readonly machines: MachineDirectory;
  readonly mayAccess: TokenAccessPolicy;
  /** The per-address limit on dynamic client registrations. */
  readonly registrationThrottle: RegistrationThrottle;
  readonly signingKeys: Configuration['jwks'];
  /** Refresh-token rotation (refresh-token-reuse.ts: one family inside the reuse window). */
  readonly rotateRefreshToken: Configuration['rotateRefreshToken'];
  readonly cookieKeys: string[];
  /** DPoP nonces' key, the same at every replica (storage/dpop-nonce-secret.ts). */
  readonly dpopNonceKey: Buffer;
  /** Whether every DPoP proof must carry a server nonce (DPOP_REQUIRE_NONCE). */
  readonly requireDpopNonce: boolean;
  readonly fetch: typeof fetch;
}

/** oidc-provider's configuration: our hooks and policies, its protocol code. */
export function providerConfiguration(parts: ConfigurationParts): Configuration {
  const { config, users } = parts;
  // The OpenID scopes and every scope of every resource (the configured APIs' too).
  const allScopes = [...new Set([...SCOPES, ...parts.resources.scopes])];
  return {
    adapter: parts.adapter,
    clients: [...parts.clients.metadata],
    extraClientMetadata: registrationPolicy(parts.clients, allScopes),
    extraParams: { scope: defaultScope(parts.resources) },
    jwks: parts.signingKeys,
    cookies: { keys: parts.cookieKeys },
    scopes: [...allScopes],
    claims: Object.fromEntries(Object.entries(CLAIMS).map(([k, v]) => [k, [...v]])),
    // The SPA reads profile claims from the ID token: its access tokens are bound to resource
    // servers, so userinfo (which needs a userinfo-audience token) is not its source.
    conformIdTokenClaims: false,
    // A disabled or removed user is no account: refreshing their tokens fails (invalid_grant).
    // A refresh_token grant's store read the user with the token (oidc-adapter.ts).
    findAccount: async (_ctx, sub) => {
      const read = accountReadWithRefreshToken(sub);
      const user = read ? users.claimsOfStored(read.user) : await users.findBySubject(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ ...user }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant,
    routes: { ...ROUTES },
    // SEP-990 metadata: as a resource authorization server we take ID-JAGs by the JWT bearer
    // grant; as an identity provider we issue them by token exchange
    // (draft-ietf-oauth-identity-assertion-authz-grant §5, draft-ietf-oauth-identity-chaining).
    discovery: {
      authorization_grant_profiles_supported: [ID_JAG_GRANT_PROFILE],
      identity_chaining_requested_token_types_supported: [ID_JAG_TOKEN_TYPE],
    },
    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: parts.rotateRefreshToken,
    // OAuth 2.1 clients refresh without the OIDC-only offline_access scope (MCP clients rarely
    // ask for it); the client's registered grant types decide.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every grant ends with the session it was made in, offline_access ones too: signing out
    // revokes them, so a refresh token left on a shared or stolen device dies with the logout
    // (README "Security"). oidc-provider's default keeps offline_access grants alive through it.
    expiresWithSession: () => true,
    ttl: tokenLifetimes(config),
    // RFC 9449 §5.1 `dpop_signing_alg_values_supported`: asymmetric algorithms only (§11.6).
    enabledJWA: { dPoPSigningAlgValues: [...DPOP_SIGNING_ALGS] },
    features: {
      // RFC 9449: a token request with a proof gets access and refresh tokens bound to its key
      // (public clients' refresh tokens too, §5); proofs are used once (oidc-provider's replay
      // detection in the shared store). Nonces (§8) are HMACs of a time window under a key
      // every replica derives alike, so any replica accepts another's nonce.
      dPoP: {
        enabled: true,
        nonceSecret: parts.dpopNonceKey,
        requireNonce: () => parts.requireDpopNonce,
        allowReplay: false,
      },
      devInteractions: { enabled: false },
      // Signing follows the live keyset through external key slots (keys/key-slots.ts).
      externalSigningSupport: { enabled: true, ack: 'experimental-01' },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: ownedBy(parts.mayAccess) },
      revocation: { enabled: true, allowedPolicy: ownedBy(parts.mayAccess) },
      userinfo: { enabled: true },
      // REGISTRATION (config/sections.ts): discovery then lists registration_endpoint and
      // client_id_metadata_document_supported only for what is on (RFC 8414 §2).
      registration: {
        enabled: config.registration === 'open',
        issueRegistrationAccessToken: throttledRegistration(parts.registrationThrottle),
      },
      // Client ID Metadata Documents: a client_id that is an https URL names its own metadata.
      // oidc-provider fetches it with a 2.5 s timeout, a size limit, no redirects, refusal of
      // special-use IP addresses (SSRF), an LRU cache bounded by Cache-Control, requires the
      // document's client_id to equal the URL and forbids shared secrets.
      clientIdMetadataDocument: { enabled: config.registration !== 'off', ack: 'draft-02' },
      rpInitiatedLogout: logoutPages(),
      resourceIndicators: limitMachineClients(resourceIndicators(parts.resources), (id) =>
        parts.machines.allowance(id),
      ),
    },
    renderError: (ctx, out) => {
      const unauthorized = usesDisallowedGrant(ctx, out.error);
      // An error raised after oidc-provider chose a redirect keeps its 303; the page is an error.
      if (ctx.status < 400) ctx.status = 400;
      ctx.set(PAGE_HEADERS);
      ctx.body = messagePage(
        'Sign-in problem',
        unauthorized
          ? 'This application may not sign users in.'
          : (out.error_description ?? 'The request could not be completed.'),
        unauthorized ? 'unauthorized_client' : out.error,
      );
    },
    extraTokenClaims: (_ctx, token) => accessTokenClaims(token),
    assertJwtClientAuthClaimsAndHeader: clientAssertionAudience,
    fetch: parts.fetch,
    // Browser clients may call the token, revocation and userinfo endpoints from the origins
    // of their own redirect URIs (the SPA, Swagger UI, browser-based MCP clients).
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
  };
}

/**
 * RFC 7523bis (draft-ietf-oauth-rfc7523bis §4): a client assertion's `aud` is the issuer
 * identifier and nothing else, a single string. oidc-provider also accepts the token endpoint
 * URL and arrays; an assertion made for one of those could be replayed at another server that
 * shares the endpoint naming, which is what the update closes.
 */
function clientAssertionAudience(ctx: KoaContextWithOIDC, claims: Record<string, unknown>): void {
  if (claims.aud !== ctx.oidc.issuer) {
    throw new errors.InvalidClientAuth('client assertion aud must be the issuer identifier');
  }
}

function tokenLifetimes(config: AuthConfig): Configuration['ttl'] {
  return {
    AccessToken: (_ctx, token) =>
      token.resourceServer?.accessTokenTTL ?? config.accessTokenTtlSeconds,
    ClientCredentials: (_ctx, token) =>
      token.resourceServer?.accessTokenTTL ?? config.accessTokenTtlSeconds,
    AuthorizationCode: 60,
    IdToken: config.idTokenTtlSeconds,
    Interaction: 3600,
    Session: 14 * DAY,
    Grant: 14 * DAY,
    RefreshToken: 14 * DAY,
  };
}

/** Introspection and revocation: who may look at or revoke which token. */
function ownedBy(mayAccess: TokenAccessPolicy) {
  return (_ctx: KoaContextWithOIDC, client: { clientId: string }, token: TokenOwnership) =>
    mayAccess(client.clientId, token);
}
