import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { TrustStore } from '../../storage/trust-store';
import type { MachineClient } from '../catalog/machine-clients';
import {
  operatorClientFrom,
  operatorClientMetadata,
  type OperatorClient,
} from './operator-clients';

type AdapterClass = new (model: string) => Adapter;

/** What a machine client may ask client credentials tokens for. */
export type MachineAllowance = Pick<MachineClient, 'clientId' | 'resources' | 'scopes'>;

/**
 * Every machine client: the configured ones (machine-clients.ts) and those the operator added
 * with `npm run admin -- clients add` (operator-clients.ts). Added ones are read from the store
 * on every use, never cached: one primary-key lookup per token request, and an added or
 * removed client counts on every replica at once, with no cache to invalidate.
 */
export class MachineDirectory {
  private readonly configured: ReadonlyMap<string, MachineClient>;
  /**
   * Ids this process last found in the store. oidc-provider's metadata hook is synchronous and
   * runs right after the adapter served the client, so it asks here (registration.policy.ts:
   * operator clients are trusted as written, like configured ones).
   */
  private readonly served = new Set<string>();

  constructor(
    configured: readonly MachineClient[],
    private readonly trust: TrustStore,
  ) {
    this.configured = new Map(configured.map((m) => [m.clientId, m]));
  }

  async allowance(clientId: string): Promise<MachineAllowance | undefined> {
    return this.configured.get(clientId) ?? (await this.operatorClient(clientId));
  }

  async operatorClient(clientId: string): Promise<OperatorClient | undefined> {
    const entry = await this.trust.find('machine_client', clientId);
    const client = entry ? operatorClientFrom(entry.document) : undefined;
    if (client) this.served.add(clientId);
    else this.served.delete(clientId);
    return client;
  }

  isOperatorClient(clientId: string): boolean {
    return this.served.has(clientId);
  }

  /** The adapter, with operator clients served as oidc-provider's `Client` records. */
  adapter(Base: AdapterClass): AdapterClass {
    const operatorClient = (id: string) => this.operatorClient(id);
    return class WithOperatorClients extends Base {
      constructor(private readonly modelName: string) {
        super(modelName);
      }

      override async find(id: string): Promise<AdapterPayload | undefined | void> {
        if (this.modelName !== 'Client') return super.find(id);
        const client = await operatorClient(id);
        return client ? operatorClientMetadata(client) : super.find(id);
      }
    };
  }
}
