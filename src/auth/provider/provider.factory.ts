import type { Provider } from 'oidc-provider';
import type { TrustStore } from '../../storage/trust-store';
import type { AuthConfig, SharedConfig } from '../../config/config';
import { adapterFor } from '../../storage/oidc-adapter';
import type { ConsumptionLog, OidcRecordStore } from '../../storage/oidc-records';
import type { RevocationStore } from '../../storage/revocation-store';
import { RevocationList } from '../../storage/revocation-list';
import { providerKeySlots } from '../keys/key-slots';
import { SigningKeyRing } from '../keys/signing-key-ring';
import { AuditLog } from '../audit/audit-log';
import { IssuedTokenVerifier } from '../tokens/issued-tokens';
import { RefreshTokenReuse } from '../tokens/refresh-token-reuse';
import { useStructuredTokenEndpoints } from '../tokens/structured-tokens.middleware';
import { tokenAccessPolicy } from '../tokens/token-access.policy';
import { longestAccessTokenTtlSeconds } from '../tokens/token-lifetime';
import { ExchangeProofs } from '../tokens/exchange-dpop';
import { registerTokenExchange } from '../tokens/token-exchange.grant';
import {
  acceptAnonymousAssertions,
  retryAfterUnreachableIssuers,
} from '../workload/anonymous-assertions';
import { IssuerKeys } from '../workload/issuer-keys';
import { registerJwtBearer } from '../workload/jwt-bearer.grant';
import { AccountLinking } from '../federation/account-linking';
import type { AccountStore } from '../../storage/account-store';
import type { FederationStore } from '../../storage/federation-store';
import { idJagGrant } from '../idjag/idjag.grant';
import { issueIdJag } from '../idjag/idjag.exchange';
import { UserDirectory } from '../users/users';
import type { ConfiguredClients } from '../catalog/clients';
import type { MachineDirectory } from './machine-directory';
import { singleUseAssertions } from '../tokens/assertion-replay';
import { pinOriginToIssuer } from './issuer-origin';
import { providerConfiguration } from './provider.configuration';
import { expiringClientRegistrations, keepUsedRegistrations } from './registered-client-expiry';
import type { RegistrationThrottle } from './registration-throttle';
import type { ResourceRegistry } from '../catalog/resources';
import { renderErrorsOfUnverifiedClients } from './unverified-client-errors';
import { reportUnauthorizedClients } from './unauthorized-client';
import { retryAfterOnUnavailable } from './retry-after';
import type { ConnectedAccounts } from '../connections/connected-accounts';

export interface ProviderDependencies {
  readonly shared: SharedConfig;
  readonly config: AuthConfig;
  /** oidc-provider's records, their successors (refresh reuse) and the revocation list. */
  readonly store: OidcRecordStore &
    ConsumptionLog &
    RevocationStore & {
      readonly trust: TrustStore;
      readonly accounts: AccountStore;
      readonly federation: FederationStore;
    };
  readonly users: UserDirectory;
  readonly signingKeys: SigningKeyRing;
  readonly audit: AuditLog;
  readonly cookieKeys: string[];
  readonly dpopNonceKey: Buffer;
  readonly fetch: typeof fetch;
  readonly resources: ResourceRegistry;
  readonly clients: ConfiguredClients;
  readonly machines: MachineDirectory;
  readonly registrationThrottle: RegistrationThrottle;
  /** Users' connected accounts, for the APIs that trust another authorization server. */
  readonly vault: ConnectedAccounts;
}

/** The configured oidc-provider, with our grant, endpoints' extensions and request policies. */
export function createProvider(deps: ProviderDependencies): Provider {
  const { shared, config, store, resources, clients, machines } = deps;
  const revocations = new RevocationList(store);
  const mayAccess = tokenAccessPolicy(new Map([[shared.clientIds.mcpServer, [resources.mcp.id]]]));
  const refreshReuse = new RefreshTokenReuse(store, config.refreshTokenReuseGraceSeconds);

  const provider = new (refreshReuse.providerClass())(
    shared.issuer,
    providerConfiguration({
      config,
      adapter: machines.adapter(singleUseAssertions(storageAdapter(deps, revocations), store)),
      clients,
      users: deps.users,
      resources,
      machines,
      mayAccess,
      registrationThrottle: deps.registrationThrottle,
      // Slots that follow the live keyset (key-slots.ts explains why).
      signingKeys: providerKeySlots(deps.signingKeys),
      rotateRefreshToken: refreshReuse.rotate,
      cookieKeys: deps.cookieKeys,
      dpopNonceKey: deps.dpopNonceKey,
      requireDpopNonce: shared.dpop.requireNonce,
      fetch: deps.fetch,
    }),
  );
  // Published URLs come from ISSUER_URL, never from request headers (issuer-origin.ts); the
  // client address for rate limits comes from Fastify, which applies the proxy settings.
  provider.proxy = false;
  pinOriginToIssuer(provider, shared.issuer);

  const verifier = new IssuedTokenVerifier(
    shared.issuer,
    deps.signingKeys.verificationKey,
    revocations,
  );
  registerTokenExchange({
    provider,
    proofs: new ExchangeProofs(provider, {
      nonceKey: shared.dpop.requireNonce ? deps.dpopNonceKey : undefined,
      proofKeysMax: shared.caches.dpopProofKeys,
    }),
    verifier,
    resources,
    policies: [
      {
        clientId: shared.clientIds.mcpServer,
        subjectAudience: resources.mcp.id,
        targets: resources.apis.map((r) => r.id),
        ttlSeconds: config.exchangedTokenTtlSeconds,
      },
    ],
    onExchanged: (exchange) => deps.audit.tokenExchanged(exchange),
    idJag: issueIdJag({
      trust: store.trust,
      signingKeys: deps.signingKeys,
      findUser: (sub) => deps.users.findBySubject(sub),
      onIssued: (issued) => deps.audit.idJagIssued(issued),
    }),
    connected: {
      vault: deps.vault,
      providers: new Map(
        shared.apis.flatMap((api) => (api.auth ? [[api.resource, api.auth.provider]] : [])),
      ),
    },
  });
  const keys = new IssuerKeys(deps.fetch, shared.caches.jwksSets);
  registerJwtBearer({
    provider,
    store,
    resources,
    keys,
    idJag: idJagGrant({
      provider,
      store,
      resources,
      keys,
      linking: new AccountLinking(store.accounts, store.federation),
      allowance: (clientId) => machines.allowance(clientId),
      onAccepted: (accepted) => deps.audit.idJagAccepted(accepted),
    }),
    onIssued: (issued) => deps.audit.workloadTokenIssued(issued),
    onRefused: (refused) => deps.audit.workloadAssertionRefused(refused),
  });
  acceptAnonymousAssertions(provider);
  retryAfterUnreachableIssuers(provider);
  useStructuredTokenEndpoints(provider, verifier, revocations, mayAccess);
  renderErrorsOfUnverifiedClients(provider, clients);
  reportUnauthorizedClients(provider);
  retryAfterOnUnavailable(provider);
  keepUsedRegistrations(provider, store, (id) => clients.has(id));
  return provider;
}

/** The store as oidc-provider's adapter: revoked grants listed, unused registrations expiring. */
function storageAdapter(deps: ProviderDependencies, revocations: RevocationList) {
  const { config, store } = deps;
  // How long a revoked grant must stay on the list: until its last access token has expired.
  const longestTtl = longestAccessTokenTtlSeconds({ auth: config, apis: deps.shared.apis });
  const adapter = adapterFor(store, {
    onGrantRevoked: (grantId) =>
      revocations.revokeGrant(grantId, Math.floor(Date.now() / 1000) + longestTtl),
    refreshTokenReuseGraceSeconds: config.refreshTokenReuseGraceSeconds,
  });
  return expiringClientRegistrations(adapter, config.registeredClientTtlSeconds);
}
