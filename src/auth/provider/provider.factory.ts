import { Provider } from 'oidc-provider';
import type { JWK } from 'jose';
import { AppConfig } from '../../config/config';
import { adapterFor } from '../../storage/oidc-adapter';
import { AuthStore } from '../../storage/store';
import { RevocationList } from '../../storage/revocation-list';
import { IssuedTokenVerifier, publicJwks } from '../tokens/issued-tokens';
import { useStructuredTokenEndpoints } from '../tokens/structured-tokens.middleware';
import { tokenAccessPolicy } from '../tokens/token-access.policy';
import { registerTokenExchange } from '../tokens/token-exchange.grant';
import { UserDirectory } from '../users/users';
import { ConfiguredClients, seedClients } from './clients';
import { pinOriginToIssuer } from './issuer-origin';
import { providerConfiguration } from './provider.configuration';
import { expiringClientRegistrations, keepUsedRegistrations } from './registered-client-expiry';
import { ResourceRegistry } from './resources';
import { renderErrorsOfUnverifiedClients } from './unverified-client-errors';
import { reportUnauthorizedClients } from './unauthorized-client';

export interface ProviderDependencies {
  readonly config: AppConfig;
  readonly store: AuthStore;
  readonly users: UserDirectory;
  readonly signingKeys: { keys: JWK[] };
  readonly cookieKeys: string[];
  readonly fetch: typeof fetch;
}

/** The configured oidc-provider, with our grant, endpoints' extensions and request policies. */
export function createProvider(deps: ProviderDependencies): Provider {
  const { config, store } = deps;
  const resources = new ResourceRegistry(config);
  const revocations = new RevocationList(store);
  const clients = new ConfiguredClients(seedClients(config));
  const mayAccess = tokenAccessPolicy(new Map([[config.mcpServerClientId, [resources.mcp.id]]]));

  const provider = new Provider(
    config.issuer,
    providerConfiguration({
      config,
      adapter: storageAdapter(deps, revocations),
      clients,
      users: deps.users,
      resources,
      mayAccess,
      signingKeys: deps.signingKeys,
      cookieKeys: deps.cookieKeys,
      fetch: deps.fetch,
    }),
  );
  // Published URLs come from ISSUER_URL, never from request headers (issuer-origin.ts); the
  // client address for rate limits comes from Fastify, which applies the proxy settings.
  provider.proxy = false;
  pinOriginToIssuer(provider, config.issuer);

  const verifier = new IssuedTokenVerifier(
    config.issuer,
    publicJwks(deps.signingKeys),
    revocations,
  );
  registerTokenExchange({
    provider,
    verifier,
    resources,
    policies: [
      {
        clientId: config.mcpServerClientId,
        subjectAudience: resources.mcp.id,
        targets: [resources.api.id],
        ttlSeconds: config.exchangedTokenTtlSeconds,
      },
    ],
  });
  useStructuredTokenEndpoints(provider, verifier, revocations, mayAccess);
  renderErrorsOfUnverifiedClients(provider, clients);
  reportUnauthorizedClients(provider);
  keepUsedRegistrations(provider, store, (id) => clients.has(id));
  return provider;
}

/** The store as oidc-provider's adapter: revoked grants listed, unused registrations expiring. */
function storageAdapter(deps: ProviderDependencies, revocations: RevocationList) {
  const { config, store } = deps;
  // How long a revoked grant must stay on the list: until its last access token has expired.
  const longestAccessTokenTtl = Math.max(
    config.accessTokenTtlSeconds,
    config.exchangedTokenTtlSeconds,
  );
  const adapter = adapterFor(store, {
    refreshTokenReuseGraceSeconds: config.refreshTokenReuseGraceSeconds,
    onGrantRevoked: (grantId) =>
      revocations.revokeGrant(grantId, Math.floor(Date.now() / 1000) + longestAccessTokenTtl),
  });
  return expiringClientRegistrations(adapter, config.registeredClientTtlSeconds);
}
