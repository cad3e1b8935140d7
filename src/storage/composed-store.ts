import type { AccountStore } from './account-store';
import type { AttemptCounters } from './attempt-counters';
import type { ConnectionStore } from './connection-store';
import type { DpopProofIds } from './dpop-proof-ids';
import type { FederationStore } from './federation-store';
import type { AccountGrants, ConsumptionLog, OidcRecordStore } from './oidc-records';
import type { RevocationSource, RevocationStore } from './revocation-store';
import type { SecretStore } from './secret-store';
import type { AuthStore } from './store';
import type { TrustStore } from './trust-store';

/** One engine's implementation of each concern, over that engine's one connection or pool. */
export interface StoreParts {
  readonly records: OidcRecordStore & ConsumptionLog & AccountGrants;
  readonly revocations: RevocationStore & RevocationSource;
  readonly attempts: AttemptCounters;
  readonly secrets: SecretStore;
  readonly accounts: AccountStore;
  readonly trust: TrustStore;
  readonly proofIds: DpopProofIds;
  readonly federation: FederationStore;
  readonly connections: ConnectionStore;
}

/**
 * The whole store as one object, forwarding each role's methods to the engine's part for that
 * concern. An engine supplies the parts, and what spans them: expiry and closing.
 */
export abstract class ComposedAuthStore implements AuthStore {
  readonly accounts: AccountStore;
  readonly trust: TrustStore;
  readonly federation: FederationStore;
  readonly connections: ConnectionStore;

  protected constructor(private readonly parts: StoreParts) {
    this.accounts = parts.accounts;
    this.trust = parts.trust;
    this.federation = parts.federation;
    this.connections = parts.connections;
  }

  abstract deleteExpired(): Promise<number>;
  abstract maintenanceWarnings(): Promise<string[]>;
  abstract close(): Promise<void>;

  upsert(...args: Parameters<OidcRecordStore['upsert']>) {
    return this.parts.records.upsert(...args);
  }
  find(...args: Parameters<OidcRecordStore['find']>) {
    return this.parts.records.find(...args);
  }
  findByUid(...args: Parameters<OidcRecordStore['findByUid']>) {
    return this.parts.records.findByUid(...args);
  }
  findByUserCode(...args: Parameters<OidcRecordStore['findByUserCode']>) {
    return this.parts.records.findByUserCode(...args);
  }
  consume(...args: Parameters<OidcRecordStore['consume']>) {
    return this.parts.records.consume(...args);
  }
  destroy(...args: Parameters<OidcRecordStore['destroy']>) {
    return this.parts.records.destroy(...args);
  }
  revokeByGrantId(...args: Parameters<OidcRecordStore['revokeByGrantId']>) {
    return this.parts.records.revokeByGrantId(...args);
  }

  consumption(...args: Parameters<ConsumptionLog['consumption']>) {
    return this.parts.records.consumption(...args);
  }
  recordSuccessor(...args: Parameters<ConsumptionLog['recordSuccessor']>) {
    return this.parts.records.recordSuccessor(...args);
  }
  releaseConsumption(...args: Parameters<ConsumptionLog['releaseConsumption']>) {
    return this.parts.records.releaseConsumption(...args);
  }

  refreshContext(...args: Parameters<ConsumptionLog['refreshContext']>) {
    return this.parts.records.refreshContext(...args);
  }
  rotate(...args: Parameters<ConsumptionLog['rotate']>) {
    return this.parts.records.rotate(...args);
  }

  grantsOfAccount(...args: Parameters<AccountGrants['grantsOfAccount']>) {
    return this.parts.records.grantsOfAccount(...args);
  }
  countGrantsOfAccount(...args: Parameters<AccountGrants['countGrantsOfAccount']>) {
    return this.parts.records.countGrantsOfAccount(...args);
  }

  revokeAccessToken(...args: Parameters<RevocationStore['revokeAccessToken']>) {
    return this.parts.revocations.revokeAccessToken(...args);
  }
  revokeGrant(...args: Parameters<RevocationStore['revokeGrant']>) {
    return this.parts.revocations.revokeGrant(...args);
  }
  isRevoked(...args: Parameters<RevocationStore['isRevoked']>) {
    return this.parts.revocations.isRevoked(...args);
  }
  liveRevocations() {
    return this.parts.revocations.liveRevocations();
  }
  watchRevocations(...args: Parameters<RevocationSource['watchRevocations']>) {
    return this.parts.revocations.watchRevocations(...args);
  }

  countAttempt(...args: Parameters<AttemptCounters['countAttempt']>) {
    return this.parts.attempts.countAttempt(...args);
  }
  uncountAttempt(...args: Parameters<AttemptCounters['uncountAttempt']>) {
    return this.parts.attempts.uncountAttempt(...args);
  }

  putSecretIfAbsent(...args: Parameters<SecretStore['putSecretIfAbsent']>) {
    return this.parts.secrets.putSecretIfAbsent(...args);
  }
  getSecret(...args: Parameters<SecretStore['getSecret']>) {
    return this.parts.secrets.getSecret(...args);
  }
  replaceSecret(...args: Parameters<SecretStore['replaceSecret']>) {
    return this.parts.secrets.replaceSecret(...args);
  }

  rememberProofId(...args: Parameters<DpopProofIds['rememberProofId']>) {
    return this.parts.proofIds.rememberProofId(...args);
  }
}
