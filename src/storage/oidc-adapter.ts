import type { Adapter, AdapterPayload } from 'oidc-provider';
import { AuthStore } from './store';

export interface AdapterOptions {
  /**
   * For this many seconds after a refresh token was used, using it again still works instead of
   * revoking the grant as reuse. Clients that refresh from two tabs or requests at once race on
   * one token; without the window the loser logs the user out. 0 turns it off.
   */
  readonly refreshTokenReuseGraceSeconds: number;
  /**
   * Called when oidc-provider destroys a grant, which it does only to revoke it (logout,
   * refresh-token reuse, token revocation); awaited, so it is done before the response goes.
   */
  readonly onGrantRevoked?: (grantId: string) => Promise<void>;
}

/** oidc-provider's storage adapter contract, one instance per model name, over an AuthStore. */
export function adapterFor(
  store: AuthStore,
  options: AdapterOptions = { refreshTokenReuseGraceSeconds: 0 },
): new (model: string) => Adapter {
  const withinGrace = (payload: AdapterPayload) =>
    typeof payload.consumed === 'number' &&
    Date.now() / 1000 - payload.consumed < options.refreshTokenReuseGraceSeconds;

  return class StoreAdapter implements Adapter {
    constructor(private readonly model: string) {}

    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      return store.upsert(this.model, id, payload, expiresIn);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const payload = await store.find(this.model, id);
      if (this.model === 'RefreshToken' && payload && withinGrace(payload)) {
        // oidc-provider treats any `consumed` as reuse; inside the window it sees a fresh token.
        const { consumed: _consumed, ...unconsumed } = payload;
        return unconsumed;
      }
      return payload;
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

    async destroy(id: string): Promise<void> {
      await store.destroy(this.model, id);
      if (this.model === 'Grant') await options.onGrantRevoked?.(id);
    }

    revokeByGrantId(grantId: string): Promise<void> {
      return store.revokeByGrantId(grantId);
    }
  };
}
