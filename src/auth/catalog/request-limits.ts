/**
 * Size limits applied to every request the authorization server's OAuth endpoints receive,
 * before oidc-provider or our hooks parse anything. They bound the work one request can cause:
 * every later step (URL parsing, scope splitting, resource matching) is linear in its input,
 * so a capped input is a capped cost.
 */
export const REQUEST_LIMITS = {
  /** Path plus query string. */
  urlLength: 8192,
  /** Any single query parameter value (resource, scope, redirect_uri, state, ...). */
  parameterLength: 2048,
  /** Form and JSON bodies (token, PAR, revocation, introspection, registration). */
  bodyBytes: 16 * 1024,
} as const;

export type LimitViolation =
  | { readonly status: 413; readonly description: string }
  | { readonly status: 414; readonly description: string }
  | { readonly status: 400; readonly description: string };

export interface LimitedRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The first limit a request breaks, if any. */
export function limitViolation(request: LimitedRequest): LimitViolation | undefined {
  if (request.url.length > REQUEST_LIMITS.urlLength) {
    return { status: 414, description: 'request URI too long' };
  }
  const length = Number(request.headers['content-length'] ?? 0);
  if (!Number.isFinite(length) || length > REQUEST_LIMITS.bodyBytes) {
    return { status: 413, description: 'request body too large' };
  }
  const queryStart = request.url.indexOf('?');
  if (queryStart === -1) return undefined;
  for (const [name, value] of new URLSearchParams(request.url.slice(queryStart + 1))) {
    if (value.length > REQUEST_LIMITS.parameterLength) {
      return { status: 400, description: `parameter ${name.slice(0, 40)} is too long` };
    }
  }
  return undefined;
}
