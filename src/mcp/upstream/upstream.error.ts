/** Why a call from the MCP server to the AuthServer or the API failed; callers switch on `code`. */
export type UpstreamFailure =
  | 'auth_server_unavailable'
  | 'exchange_refused'
  | 'api_unauthorized'
  | 'api_forbidden'
  | 'api_unavailable'
  | 'api_bad_response';

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
