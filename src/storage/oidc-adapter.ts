import type { Adapter, AdapterPayload } from 'oidc-provider';
import { AuthStore } from './store';

/** oidc-provider's storage adapter contract, one instance per model name, over an AuthStore. */
export function adapterFor(store: AuthStore): new (model: string) => Adapter {
  return class StoreAdapter implements Adapter {
    constructor(private readonly model: string) {}

    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      return store.upsert(this.model, id, payload, expiresIn);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return await store.find(this.model, id);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return await store.findByUid(this.model, uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return await store.findByUserCode(this.model, userCode);
    }

    consume(id: string): Promise<void> {
      return store.consume(this.model, id);
    }

    destroy(id: string): Promise<void> {
      return store.destroy(this.model, id);
    }

    revokeByGrantId(grantId: string): Promise<void> {
      return store.revokeByGrantId(grantId);
    }
  };
}
