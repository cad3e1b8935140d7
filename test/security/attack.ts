import { pkcePair } from '../support/pkce';
import type { TestSystem } from '../support/system';

/** What an OAuth endpoint answered: status, error code and the time it took. */
export interface Answer {
  readonly status: number;
  readonly error: string | undefined;
  readonly ms: number;
  readonly headers: Headers;
  readonly text: string;
}

export async function answer(url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  return {
    status: response.status,
    error: errorCode(response, text),
    ms: performance.now() - started,
    headers: response.headers,
    text,
  };
}

/** The error code of a JSON error body, an error page, or an error redirect. */
function errorCode(response: Response, text: string): string | undefined {
  const location = response.headers.get('location');
  if (location) return URL.parse(location)?.searchParams.get('error') ?? undefined;
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    // The AuthServer's error page shows the code in <code>.
    return /<code>([a-z_]+)<\/code>/.exec(text)?.[1];
  }
}

/** RFC 7591 registration; `path` spells the endpoint another way than the metadata does. */
export function register(
  sys: TestSystem,
  metadata: unknown,
  path = '/connect/register',
): Promise<Answer> {
  return answer(`${sys.urls.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
}

export async function registered(sys: TestSystem, metadata: Record<string, unknown>) {
  const result = await register(sys, metadata);
  if (result.status !== 201) throw new Error(`registration failed: ${result.text}`);
  return JSON.parse(result.text) as { client_id: string; client_secret?: string };
}

/** A browser-less authorization request (RFC 6749 §4.1.1) with PKCE unless told otherwise. */
export function authorizeUrl(sys: TestSystem, params: Record<string, string | undefined>): string {
  const { challenge } = pkcePair();
  const url = new URL(`${sys.urls.issuer}/connect/authorize`);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    scope: 'openid',
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.href;
}

export function form(params: Record<string, string>, authorization?: string): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(params).toString(),
  };
}
