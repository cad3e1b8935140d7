/** How long a caller should wait before trying again while the store does not answer. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The store could not be reached or could not answer now (database down, restarting, out of
 * connections; a SQLite file locked or unreadable). Not a fault of the request: callers answer
 * 503 with Retry-After (RFC 9110 §15.6.4) and the same request may succeed later.
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
  readonly code = 'ERR_STORE_UNAVAILABLE';

  constructor(options?: { readonly cause?: unknown }) {
    super('the store is not answering', options);
  }
}

/** Socket errors (Node's errno codes) on the way to a database server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs (Appendix A): 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up), 53300 too_many_connections; class 08 is
 * connection exceptions.
 */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** SQLite primary result codes whose extended codes (SQLITE_IOERR_READ, ...) share the prefix. */
const SQLITE_PREFIXES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
];

function unavailableCode(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  if (NETWORK_CODES.has(code) || POSTGRES_CODES.has(code)) return true;
  if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  return SQLITE_PREFIXES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/**
 * The error as a StoreUnavailable when its code (or its cause's: the pg driver wraps socket
 * errors) says the store is out of reach; undefined for every other error, which is a fault.
 * Codes only: driver messages are not a contract.
 */
export function asStoreUnavailable(error: unknown): StoreUnavailable | undefined {
  if (error instanceof StoreUnavailable) return error;
  const cause = error instanceof Error ? error.cause : undefined;
  if (unavailableCode(codeOf(error)) || unavailableCode(codeOf(cause))) {
    return new StoreUnavailable({ cause: error });
  }
  return undefined;
}
