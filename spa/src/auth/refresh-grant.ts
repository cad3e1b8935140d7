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
  /**
   * Signs a proof for the token endpoint, with the AuthServer's nonce if it gave one. A public
   * client's refresh token issued with DPoP is bound to that key and needs it (RFC 9449 §5).
   */
  readonly dpopProof?: (nonce?: string) => Promise<string>;
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
  let answer = await postRefresh(request, undefined, fetchFn);
  // RFC 9449 §8: the AuthServer asks for a nonce with a 400 use_dpop_nonce and DPoP-Nonce.
  const nonce = answer.response.headers.get('dpop-nonce');
  if (request.dpopProof && errorCode(answer.json) === 'use_dpop_nonce' && nonce) {
    answer = await postRefresh(request, nonce, fetchFn);
  }
  const { response, json } = answer;
  if (!response.ok) {
    const description =
      isRecord(json) && typeof json.error_description === 'string'
        ? json.error_description
        : undefined;
    throw new TokenEndpointError(errorCode(json) ?? `http_${response.status}`, description);
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

function errorCode(json: unknown): string | undefined {
  return isRecord(json) && typeof json.error === 'string' ? json.error : undefined;
}

async function postRefresh(
  request: RefreshRequest,
  nonce: string | undefined,
  fetchFn: typeof fetch,
): Promise<{ response: Response; json: unknown }> {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: request.refreshToken,
    client_id: request.clientId,
    resource: request.resource,
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (request.dpopProof) headers.DPoP = await request.dpopProof(nonce);
  let response: Response;
  try {
    response = await fetchFn(request.tokenEndpoint, { method: 'POST', headers, body });
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
  return { response, json };
}
