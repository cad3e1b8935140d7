/**
 * Why a call from the MCP server to the AuthServer failed; callers switch on `code`. Failures
 * of the APIs behind the tools are tool outcomes (../openapi/tool-outcome.ts).
 */
export type UpstreamFailure =
  'auth_server_unavailable' | 'exchange_refused' | 'connection_required';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly code: UpstreamFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
