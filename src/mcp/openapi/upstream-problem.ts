/** RFC 9457 problem fields and OAuth-style error fields: what a model can act on. */
const FIELDS = ['title', 'detail', 'error', 'message'] as const;
const MAX_FIELD = 300;
/** Only this much of a field is looked at: the redactions below run on API-written text. */
const MAX_SCAN = 4096;
/** RFC 6750 §2.1 / RFC 9449 §7.1 credentials, and Basic ones (RFC 7617). Linear: no nesting. */
const CREDENTIAL = /\b(?:Bearer|DPoP|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
/** A JWS compact serialization (RFC 7515 §7.1), such as the exchanged token. */
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const CONTROL = /\p{Cc}/gu;
const REDACTED = '[redacted]';

/**
 * What of a non-2xx answer reaches the model: the short problem fields of a JSON object body,
 * nothing else. An API that echoes the request (its headers, say) would otherwise hand the
 * model the token minted for it; so each field is also scrubbed of that exact token and of
 * anything shaped like a credential, stripped of control characters, and cut short.
 */
export function problemFields(body: unknown, token: string): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const fields: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = Object.hasOwn(body, field) ? (body as Record<string, unknown>)[field] : undefined;
    if (typeof value !== 'string' || !value.trim()) continue;
    fields[field] = scrub(value.slice(0, MAX_SCAN), token).slice(0, MAX_FIELD);
  }
  return fields;
}

export function scrub(text: string, token: string): string {
  const shaped = text.replace(CREDENTIAL, REDACTED).replace(JWT, REDACTED);
  return (token ? shaped.replaceAll(token, REDACTED) : shaped).replace(CONTROL, ' ');
}
