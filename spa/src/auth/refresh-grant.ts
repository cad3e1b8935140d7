import { HttpProblemError } from '../http/http-problem';

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in?: number;
  readonly refresh_token?: string;
  readonly scope?: string;
}

/** An RFC 6749 §5.2 error response from the token endpoint; `code` is its `error` value. */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
  constructor(
    readonly code: string,
    readonly description: string | undefined,
  ) {
    super(description ? `${code}: ${description}` : code);
  }
}

export interface RefreshRequest {
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly refreshToken: string;
  /** RFC 8707 §2.2: the audience the new access token is for. */
  readonly resource: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The refresh_token grant (RFC 6749 §6) for a public client: client_id in the body, no secret.
 * The scope is left out so the AuthServer grants what the resource allows from the grant.
 */
export async function refreshForResource(
  request: RefreshRequest,
  fetchFn: typeof fetch = fetch,
): Promise<TokenResponse> {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: request.refreshToken,
    client_id: request.clientId,
    resource: request.resource,
  });
  let response: Response;
  try {
    response = await fetchFn(request.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new HttpProblemError({
      kind: 'unreachable',
      service: 'the AuthServer',
      url: request.tokenEndpoint,
      detail,
    });
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error =
      isRecord(json) && typeof json.error === 'string' ? json.error : `http_${response.status}`;
    const description =
      isRecord(json) && typeof json.error_description === 'string'
        ? json.error_description
        : undefined;
    throw new TokenEndpointError(error, description);
  }
  if (
    !isRecord(json) ||
    typeof json.access_token !== 'string' ||
    typeof json.token_type !== 'string'
  ) {
    throw new TokenEndpointError('invalid_response', 'the token response has no access_token');
  }
  return json as unknown as TokenResponse;
}
