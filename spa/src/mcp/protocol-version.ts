import { McpProtocolError, type JsonRpcErrorObject } from './json-rpc';

/**
 * Which MCP revision to speak, and what its answers mean. The revision is picked as the official
 * TypeScript client picks it with `versionNegotiation: { mode: 'auto' }`: ask `server/discover`
 * in the 2026-07-28 shape, and fall back to the 2025 `initialize` handshake on any answer that is
 * not evidence of a 2026-07-28 server (MCP 2026-07-28, Versioning, backward compatibility with
 * initialization-based versions).
 */

/** Stateless: no handshake, every request names its revision in headers and `_meta`. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
/** What the fallback handshake offers: the newest revision that still has `initialize`. */
export const HANDSHAKE_PROTOCOL_VERSION = '2025-11-25';
/** Handshake revisions this client accepts from a server (Streamable HTTP came in 2025-03-26). */
export const HANDSHAKE_PROTOCOL_VERSIONS: readonly string[] = [
  HANDSHAKE_PROTOCOL_VERSION,
  '2025-06-18',
  '2025-03-26',
];

/** UnsupportedProtocolVersionError (2026-07-28); `data.supported` lists the server's revisions. */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

export type Era =
  | { readonly kind: 'modern'; readonly discovered: Readonly<Record<string, unknown>> }
  | { readonly kind: 'legacy' };

export const LEGACY: Era = { kind: 'legacy' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Revision identifiers are dates, so string order is time order. */
function isModern(version: string): boolean {
  return version >= MODERN_PROTOCOL_VERSION;
}

/**
 * A `server/discover` result. Only one that has the DiscoverResult shape and lists 2026-07-28
 * makes the server modern; any other result is no evidence of that era.
 */
export function eraOfDiscoverResult(result: unknown): Era {
  if (
    !isRecord(result) ||
    !isStringArray(result.supportedVersions) ||
    !isRecord(result.capabilities) ||
    !result.supportedVersions.includes(MODERN_PROTOCOL_VERSION)
  ) {
    return LEGACY;
  }
  return { kind: 'modern', discovered: result };
}

/**
 * A JSON-RPC error answering `server/discover`: method not found, the -32000 "Bad Request" of
 * 2025-era servers and every other code mean legacy. Only an UnsupportedProtocolVersionError
 * listing other 2026-era revisions stops here: that server is modern and has no handshake.
 */
export function eraOfDiscoverError(error: JsonRpcErrorObject): Era {
  if (error.code !== UNSUPPORTED_PROTOCOL_VERSION || !isRecord(error.data)) return LEGACY;
  const { supported } = error.data;
  if (!isStringArray(supported) || !supported.some(isModern)) return LEGACY;
  throw new McpProtocolError(
    'ERR_MCP_UNSUPPORTED',
    `the server does not speak protocol ${MODERN_PROTOCOL_VERSION} (it supports ${supported.join(', ')})`,
  );
}

/**
 * 2026-07-28 results say whether they are final. `input_required` asks for another round trip
 * with answers from the user or a model, which this client does not make.
 */
export function completeResult(method: string, result: unknown): unknown {
  if (!isRecord(result) || result.resultType === 'complete') return result;
  if (typeof result.resultType === 'string') {
    throw new McpProtocolError(
      'ERR_MCP_UNSUPPORTED',
      `${method} answered resultType "${result.resultType}", which this client does not handle`,
    );
  }
  throw new McpProtocolError('ERR_MCP_MALFORMED', `${method} returned no resultType`);
}
