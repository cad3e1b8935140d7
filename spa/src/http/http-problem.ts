import { tokenChallenge } from './www-authenticate';

/** Why a call to one of our servers did not give the page what it asked for. */
export type HttpProblem =
  | {
      readonly kind: 'unauthorized';
      readonly service: string;
      readonly error?: string;
      readonly description?: string;
    }
  | {
      readonly kind: 'forbidden';
      readonly service: string;
      readonly scope?: string;
      readonly error?: string;
      readonly description?: string;
    }
  | {
      readonly kind: 'unreachable';
      readonly service: string;
      readonly url: string;
      readonly detail: string;
    }
  | { readonly kind: 'server-error'; readonly service: string; readonly status: number }
  | { readonly kind: 'unexpected-status'; readonly service: string; readonly status: number }
  | { readonly kind: 'bad-response'; readonly service: string; readonly detail: string };

export class HttpProblemError extends Error {
  override readonly name = 'HttpProblemError';
  constructor(readonly problem: HttpProblem) {
    super(`${problem.service}: ${problem.kind}`);
  }
}

/**
 * Maps a non-2xx answer to a problem, reading the hints of a Bearer (RFC 6750 §3) or DPoP
 * (RFC 9449 §7.1) challenge in WWW-Authenticate.
 */
export function problemFromResponse(service: string, response: Response): HttpProblem {
  const { status } = response;
  if (status === 401 || status === 403) {
    const params = tokenChallenge(response.headers.get('www-authenticate'))?.params ?? {};
    const hints = {
      ...(params.error !== undefined && { error: params.error }),
      ...(params.error_description !== undefined && { description: params.error_description }),
    };
    if (status === 401) return { kind: 'unauthorized', service, ...hints };
    return {
      kind: 'forbidden',
      service,
      ...hints,
      ...(params.scope !== undefined && { scope: params.scope }),
    };
  }
  if (status >= 500) return { kind: 'server-error', service, status };
  return { kind: 'unexpected-status', service, status };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * fetch that resolves with whatever HTTP answer came back, and turns a failure to get one into an
 * "unreachable" HttpProblemError. An aborted request rethrows the AbortError untouched so callers
 * can ignore it.
 */
export async function fetchAnyStatus(
  service: string,
  url: string,
  init: RequestInit,
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (error) {
    if (isAbort(error)) throw error;
    // Browsers report DNS failures, refused connections and CORS rejections alike.
    const detail = error instanceof Error ? error.message : String(error);
    throw new HttpProblemError({ kind: 'unreachable', service, url, detail });
  }
}

/** fetchAnyStatus that resolves only with a 2xx response and otherwise throws an HttpProblemError. */
export async function fetchOk(
  service: string,
  url: string,
  init: RequestInit,
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  const response = await fetchAnyStatus(service, url, init, fetchFn);
  if (!response.ok) throw new HttpProblemError(problemFromResponse(service, response));
  return response;
}

export interface ProblemText {
  readonly title: string;
  readonly detail: string;
  /** What the page should offer: a fresh sign-in, or simply trying again. */
  readonly action: 'sign-in' | 'retry';
}

export function describeProblem(problem: HttpProblem): ProblemText {
  const { service } = problem;
  switch (problem.kind) {
    case 'unauthorized': {
      const why = problem.description ?? problem.error;
      return {
        title: 'Your session has expired: sign in again',
        detail: `${capitalize(service)} did not accept your access token${why ? ` (${why})` : ''}.`,
        action: 'sign-in',
      };
    }
    case 'forbidden':
      return {
        title: problem.scope ? `Missing scope "${problem.scope}"` : 'Access denied',
        detail: problem.scope
          ? `${capitalize(service)} needs the scope "${problem.scope}", which your access token does not carry. Sign in again and grant it.`
          : `${capitalize(service)} refused your access token (HTTP 403) without naming the missing scope.`,
        action: 'sign-in',
      };
    case 'unreachable':
      return {
        title: `${capitalize(service)} is unreachable`,
        detail: `Could not connect to ${problem.url}. Is the server running, and does it allow requests from this origin (CORS)? The browser said: ${problem.detail}`,
        action: 'retry',
      };
    case 'server-error':
      return {
        title: `${capitalize(service)} failed`,
        detail: `It answered HTTP ${problem.status}. Try again in a moment.`,
        action: 'retry',
      };
    case 'unexpected-status':
      return {
        title: `Unexpected answer from ${service}`,
        detail: `It answered HTTP ${problem.status}.`,
        action: 'retry',
      };
    case 'bad-response':
      return {
        title: `Unreadable answer from ${service}`,
        detail: problem.detail,
        action: 'retry',
      };
  }
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
