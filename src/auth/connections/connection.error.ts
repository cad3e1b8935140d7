/**
 * Why a connected account gave no token; callers switch on `code`.
 * - `not_connected`: the user has no connection to that provider (or it was disconnected)
 * - `upstream_refused`: the upstream refused (revoked grant, bad answer): connect again
 * - `upstream_unavailable`: the upstream cannot be reached now: try later
 * - `unknown_provider`: no upstream provider of that name is configured
 */
export type ConnectionErrorCode =
  'not_connected' | 'upstream_refused' | 'upstream_unavailable' | 'unknown_provider';

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
