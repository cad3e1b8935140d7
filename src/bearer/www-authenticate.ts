/** RFC 6750 §3 `WWW-Authenticate: Bearer` challenge, with RFC 9728 §5.1 `resource_metadata`. */
export interface BearerChallenge {
  readonly error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  readonly description?: string;
  readonly scope?: string;
  readonly resourceMetadata?: string;
}

export function bearerChallenge(challenge: BearerChallenge): string {
  const params: [string, string | undefined][] = [
    ['error', challenge.error],
    ['error_description', challenge.description],
    ['scope', challenge.scope],
    ['resource_metadata', challenge.resourceMetadata],
  ];
  const rendered = params
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '')}"`);
  return rendered.length ? `Bearer ${rendered.join(', ')}` : 'Bearer';
}
