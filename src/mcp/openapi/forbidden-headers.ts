/**
 * Header parameters a document may declare but a tool never sends. `Authorization` and the
 * framing headers are ours (OpenAPI 3 §4.8.12.1 ignores `Accept`, `Content-Type` and
 * `Authorization` parameters); hop-by-hop headers (RFC 9110 §7.6.1) and `Host` steer the
 * connection; `Proxy-*`, `Cookie` and `DPoP` carry credentials; `Forwarded`, `X-Forwarded-*`,
 * `X-Real-IP` and friends claim a client address the API might trust; method overrides turn a
 * read-only tool into a write.
 */
const FORBIDDEN = new Set([
  'accept',
  'accept-encoding',
  'authorization',
  'connection',
  'content-length',
  'content-type',
  'cookie',
  'dpop',
  'expect',
  'forwarded',
  'host',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method',
  'x-http-method-override',
  'x-method-override',
]);
const FORBIDDEN_PREFIXES = ['proxy-', 'x-forwarded-', 'sec-'];

/** RFC 9110 §5.1 field name: a token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;

export function isForwardableHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    TOKEN.test(name) &&
    !FORBIDDEN.has(lower) &&
    !FORBIDDEN_PREFIXES.some((prefix) => lower.startsWith(prefix))
  );
}
