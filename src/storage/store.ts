import type { AccountStore } from './account-store';
import type { ConnectionStore } from './connection-store';
import type { AttemptCounters } from './attempt-counters';
import type { DpopProofIds } from './dpop-proof-ids';
import type { FederationStore } from './federation-store';
import type { AccountGrants, ConsumptionLog, OidcRecordStore } from './oidc-records';
import type { RevocationSource, RevocationStore } from './revocation-store';
import type { SecretStore } from './secret-store';
import type { TrustStore } from './trust-store';

/**
 * Everything the authorization server persists, as the bootstrap opens it: SQLite (embedded
 * default, sqlite/) or PostgreSQL (shared by several processes, postgres/), over the same
 * migrations (migrations.ts). It is the sum of one role interface per concern, and code below
 * the bootstrap asks for the role it uses, never for the whole store:
 * - oidc-provider's records, their single use and the grants an account holds (oidc-records.ts);
 * - the access-token revocation list and its feed (revocation-store.ts);
 * - attempt counters for throttling (attempt-counters.ts);
 * - the server's own secrets (secret-store.ts);
 * - the DPoP proofs a resource server has seen, against replay (dpop-proof-ids.ts);
 * - the operator's data: users, and what clients were used (account-store.ts, as `accounts`);
 * - the operator's trust configuration: added machine clients, workload issuers (trust-store.ts,
 *   as `trust`);
 * - upstream OpenID providers and the identities linked through them (federation-store.ts, as
 *   `federation`);
 * - connected accounts: users' sealed grants at third-party servers (connection-store.ts, as
 *   `connections`).
 *
 * A new concern is: a role interface in its own file here, extended below and forwarded by
 * ComposedAuthStore (composed-store.ts); one implementation in each engine folder, handed to
 * that engine's store; its tables in migrations.ts, and in each engine's deleteExpired
 * statements if its rows expire; a contract spec `<concern>.spec.ts` that runs on both engines
 * through onEveryEngine (test/support/auth-stores.ts, whose emptyPostgres drops its tables).
 */
export interface AuthStore
  extends
    OidcRecordStore,
    ConsumptionLog,
    AccountGrants,
    RevocationStore,
    RevocationSource,
    AttemptCounters,
    SecretStore,
    DpopProofIds {
  readonly accounts: AccountStore;
  /** Machine clients and workload issuers the operator added (trust-store.ts). */
  readonly trust: TrustStore;
  /** Upstream OpenID providers and the identities linked through them. */
  readonly federation: FederationStore;
  /** Users' connected accounts at third-party authorization servers. */
  readonly connections: ConnectionStore;
  /** Removes expired rows from every table; returns how many went. */
  deleteExpired(): Promise<number>;
  /**
   * The engine's settings that will slow the store down over hours, each said as the
   * operator's log should say it; none when all is well.
   */
  maintenanceWarnings(): Promise<string[]>;
  close(): Promise<void>;
}

/** Nest's token for the store in the AuthServer's module; inject it as the role you need. */
export const AUTH_STORE = Symbol('AUTH_STORE');
