import { AsyncLocalStorage } from 'node:async_hooks';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { asStoreUnavailable } from './store-unavailable';
import type { ConsumptionLog, OidcRecordStore, RefreshContext } from './oidc-records';

/**
 * One refresh_token grant request, as the adapter sees it: the grant and session read with the
 * token (handed out once, to the reads that follow in this request), and the token oidc-provider
 * consumes, whose consumption is written together with its successor (`rotate`).
 */
interface RefreshGrantScope {
  grant: RefreshContext['grant'];
  session: RefreshContext['session'];
  account: RefreshContext['account'];
  consuming: string | undefined;
  successorRecorded: boolean;
}
const refreshGrant = new AsyncLocalStorage<RefreshGrantScope>();

/**
 * Runs one refresh_token grant so that its reads and writes are combined (refreshContext,
 * rotate); answers whether the successor of a consumed token was recorded doing so.
 */
export async function runRefreshGrant(work: () => Promise<void>): Promise<boolean> {
  const scope: RefreshGrantScope = {
    grant: undefined,
    session: undefined,
    account: undefined,
    consuming: undefined,
    successorRecorded: false,
  };
  await refreshGrant.run(scope, work);
  return scope.successorRecorded;
}

/**
 * The account of the refresh token this refresh_token grant read, where the store read it with
 * the token (handed out once); undefined outside such a grant, for another subject, or when
 * the store did not read it. `user` is undefined when no such user is stored.
 */
export function accountReadWithRefreshToken(sub: string): RefreshContext['account'] {
  const scope = refreshGrant.getStore();
  const account = scope?.account;
  if (scope === undefined || account?.sub !== sub) return undefined;
  scope.account = undefined;
  return account;
}

type AdapterStore = OidcRecordStore & Pick<ConsumptionLog, 'refreshContext' | 'rotate'>;

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
 * (authorization code, device code, CIBA, refresh token: RFC 6749 §4.1.2, §10.5). In a
 * refresh_token grant the claim is made when the successor is saved (`rotate`), so there.
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
  store: AdapterStore,
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
  store: AdapterStore,
  options: AdapterOptions,
): new (model: string) => Adapter {
  return class RecordsAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const scope = refreshGrant.getStore();
      const predecessor = this.model === 'RefreshToken' ? scope?.consuming : undefined;
      if (scope === undefined || predecessor === undefined) {
        return store.upsert(this.model, id, payload, expiresIn);
      }
      scope.consuming = undefined;
      // The single-use claim (RFC 6749 §10.4, RFC 9700 §4.14.2) is made here: exactly one
      // request stores a successor; the others fail before any token is issued.
      if (!(await store.rotate(this.model, predecessor, id, payload, expiresIn))) {
        throw new AlreadyConsumedError(this.model);
      }
      scope.successorRecorded = true;
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const scope = refreshGrant.getStore();
      if (scope && this.model === 'Grant' && scope.grant?.id === id) {
        const { payload } = scope.grant;
        scope.grant = undefined;
        return payload;
      }
      if (this.model !== 'RefreshToken') return await store.find(this.model, id);
      let found: Record<string, unknown> | undefined;
      if (scope) {
        ({
          token: found,
          grant: scope.grant,
          session: scope.session,
          account: scope.account,
        } = await store.refreshContext(id));
      } else {
        found = await store.find(this.model, id);
      }
      if (typeof found?.consumed !== 'number') return found;
      const usedFor = Math.floor(Date.now() / 1000) - found.consumed;
      if (usedFor >= (options.refreshTokenReuseGraceSeconds ?? 0)) return found;
      const { consumed: _inWindow, ...unused } = found;
      return unused;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const scope = refreshGrant.getStore();
      if (scope && this.model === 'Session' && scope.session?.uid === uid) {
        const { payload } = scope.session;
        scope.session = undefined;
        return payload;
      }
      return await store.findByUid(this.model, uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return await store.findByUserCode(this.model, userCode);
    }

    async consume(id: string): Promise<void> {
      const scope = refreshGrant.getStore();
      if (scope && this.model === 'RefreshToken') {
        // oidc-provider consumes the refresh token, then saves its successor and nothing in
        // between: the consumption is written with the successor, in one round trip (upsert).
        // Should the successor never be saved, nothing was issued and the token stays unused.
        scope.consuming = id;
        return;
      }
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
