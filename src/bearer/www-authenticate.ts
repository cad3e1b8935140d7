/** RFC 6750 §3 `WWW-Authenticate: Bearer` challenge, with RFC 9728 §5.1 `resource_metadata`. */
export interface BearerChallenge {
  readonly error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  readonly description?: string;
  readonly scope?: string;
  readonly resourceMetadata?: string;
}

/** RFC 9449 §7.1 `WWW-Authenticate: DPoP` challenge: the proof algorithms we would take. */
export interface DpopChallenge {
  readonly error?: 'invalid_request' | 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce';
  readonly description?: string;
  readonly algs?: readonly string[];
  /** As in a Bearer challenge, for a client that spoke DPoP only (MCP SEP-1932). */
  readonly scope?: string;
  readonly resourceMetadata?: string;
}

export function bearerChallenge(challenge: BearerChallenge): string {
  return render('Bearer', [
    ['error', challenge.error],
    ['error_description', challenge.description],
    ['scope', challenge.scope],
    ['resource_metadata', challenge.resourceMetadata],
  ]);
}

export function dpopChallenge(challenge: DpopChallenge): string {
  return render('DPoP', [
    ['error', challenge.error],
    ['error_description', challenge.description],
    ['algs', challenge.algs?.join(' ')],
    ['scope', challenge.scope],
    ['resource_metadata', challenge.resourceMetadata],
  ]);
}

function render(scheme: string, params: [string, string | undefined][]): string {
  const rendered = params
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '')}"`);
  return rendered.length ? `${scheme} ${rendered.join(', ')}` : scheme;
}
