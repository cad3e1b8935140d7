import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { OidcRecordStore } from './oidc-records';
import { asStoreUnavailable } from './store-unavailable';

export interface AdapterOptions {
  /**
   * Called when oidc-provider destroys a grant, which it does only to revoke it (logout,
   * refresh-token reuse, token revocation); awaited, so it is done before the response goes.
   */
  readonly onGrantRevoked?: (grantId: string) => Promise<void>;
  /**
   * The refresh-token reuse window (seconds). Inside it a used refresh token is handed to
   * oidc-provider as unused, so a request that raced the one that used it reaches `consume`,
   * loses there (AlreadyConsumedError) and is answered with the recorded successor
   * (refresh-token-reuse.ts), instead of oidc-provider taking it for a replay and revoking the
   * grant. Past the window the token shows as used, and reuse detection revokes as it should.
   */
  readonly refreshTokenReuseGraceSeconds?: number;
}

/**
 * Thrown from `consume` by every caller but the first. oidc-provider reads a record, checks it
 * is unconsumed, then consumes it and issues tokens; two requests can both pass the check. The
 * store's conditional UPDATE lets one win; the others fail here, before anything is issued
 * (authorization code, device code, CIBA, refresh token: RFC 6749 §4.1.2, §10.5).
 */
export class AlreadyConsumedError extends errors.InvalidGrant {
  constructor(readonly model: string) {
    super('grant already used');
  }
}

/**
 * The store did not answer. oidc-provider renders any error it does not know as a 500
 * server_error; this one it renders as RFC 6749's `temporarily_unavailable` (§4.1.2.1, §5.2)
 * with 503, shown to the client (expose) because it is not a fault and says nothing internal.
 * Retry-After is added on the way out (store-unavailable.middleware.ts).
 */
export class StoreTemporarilyUnavailable extends errors.TemporarilyUnavailable {
  constructor(cause: unknown) {
    super('the authorization server cannot answer now; try again shortly', {
      cause,
      detail: 'store unavailable',
    });
    this.status = 503;
    this.statusCode = 503;
    this.expose = true;
  }
}

/** An unreachable store as oidc-provider's 503; every other error as it was. */
function passingOn(error: unknown): never {
  const unavailable = asStoreUnavailable(error);
  throw unavailable ? new StoreTemporarilyUnavailable(unavailable) : error;
}

/** oidc-provider's storage adapter contract, one instance per model name, over the store's records. */
export function adapterFor(
  store: OidcRecordStore,
  options: AdapterOptions = {},
): new (model: string) => Adapter {
  const Records = recordsAdapter(store, options);
  return class StoreAdapter implements Adapter {
    private readonly records: Adapter;

    constructor(model: string) {
      this.records = new Records(model);
    }

    upsert(...args: Parameters<Adapter['upsert']>) {
      return this.records.upsert(...args).catch(passingOn);
    }
    find(id: string) {
      return this.records.find(id).catch(passingOn);
    }
    findByUid(uid: string) {
      return this.records.findByUid(uid).catch(passingOn);
    }
    findByUserCode(userCode: string) {
      return this.records.findByUserCode(userCode).catch(passingOn);
    }
    consume(id: string) {
      return this.records.consume(id).catch(passingOn);
    }
    destroy(id: string) {
      return this.records.destroy(id).catch(passingOn);
    }
    revokeByGrantId(grantId: string) {
      return this.records.revokeByGrantId(grantId).catch(passingOn);
    }
  };
}

function recordsAdapter(
  store: OidcRecordStore,
  options: AdapterOptions,
): new (model: string) => Adapter {
  return class RecordsAdapter implements Adapter {
    constructor(private readonly model: string) {}

    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      return store.upsert(this.model, id, payload, expiresIn);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const found = await store.find(this.model, id);
      if (this.model !== 'RefreshToken' || typeof found?.consumed !== 'number') return found;
      const usedFor = Math.floor(Date.now() / 1000) - found.consumed;
      if (usedFor >= (options.refreshTokenReuseGraceSeconds ?? 0)) return found;
      const { consumed: _inWindow, ...unused } = found;
      return unused;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return await store.findByUid(this.model, uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return await store.findByUserCode(this.model, userCode);
    }

    async consume(id: string): Promise<void> {
      if (await store.consume(this.model, id)) return;
      // A pushed authorization request is redeemed at the authorization endpoint (RFC 9126 §4).
      if (this.model === 'PushedAuthorizationRequest') {
        throw new errors.InvalidRequestUri('request_uri is invalid, expired, or was already used');
      }
      throw new AlreadyConsumedError(this.model);
    }

    async destroy(id: string): Promise<void> {
      await store.destroy(this.model, id);
      if (this.model === 'Grant') await options.onGrantRevoked?.(id);
    }

    /** Only this model's records: oidc-provider calls this once per model it revokes. */
    revokeByGrantId(grantId: string): Promise<void> {
      return store.revokeByGrantId(this.model, grantId);
    }
  };
}
