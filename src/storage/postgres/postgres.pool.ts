import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { StoreUnavailable } from '../store-unavailable';

/**
 * How long a query waits for a connection, new or pooled, before it fails. Without it a query
 * waits for ever while the server is away or every connection is busy; with it the request
 * gets its 503 well inside a client's deadline (and /ready's 2 s check).
 */
export const CONNECT_TIMEOUT_MS = 2_000;

type ConnectCallback = NonNullable<Parameters<Pool['connect']>[0]>;

/**
 * The pg pool, with every failure to get a connection raised as StoreUnavailable. pg gives
 * those failures no code when its own timers fire ("timeout exceeded when trying to connect",
 * "Connection terminated due to connection timeout"), so they are recognised by where they
 * happen, not by their text. `pool.query` connects through `connect(callback)`, so both ways in
 * are covered; errors from a query itself keep their SQLSTATE or errno for asStoreUnavailable.
 */
export class StorePool extends Pool {
  constructor(config: PoolConfig) {
    super({ connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...config });
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
    if (callback) {
      super.connect((error, client, done) =>
        callback(error ? new StoreUnavailable({ cause: error }) : error, client, done),
      );
      return;
    }
    return super.connect().catch((error: unknown) => {
      throw new StoreUnavailable({ cause: error });
    });
  }
}
