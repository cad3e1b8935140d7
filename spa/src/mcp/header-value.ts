const BASE64_PREFIX = '=?base64?';
const BASE64_SUFFIX = '?=';

/** Printable ASCII, tabs and spaces inside only: what an HTTP field value carries as is. */
const PLAIN = /^[!-~](?:[\t -~]*[!-~])?$/;

/**
 * A name mirrored from the body into an `Mcp-Name` header (MCP 2026-07-28, Streamable HTTP,
 * standard headers): as is when it is a plain field value, else its UTF-8 in base64 between
 * `=?base64?` and `?=`. A value that merely looks encoded is encoded too, so it reads back
 * unchanged; fetch would refuse anything outside Latin-1 outright.
 */
export function mcpHeaderValue(text: string): string {
  const looksEncoded = text.startsWith(BASE64_PREFIX) && text.endsWith(BASE64_SUFFIX);
  if (PLAIN.test(text) && !looksEncoded) return text;
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `${BASE64_PREFIX}${btoa(binary)}${BASE64_SUFFIX}`;
}
