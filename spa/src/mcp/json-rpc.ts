export type JsonRpcId = string | number;

export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type JsonRpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: JsonRpcId | null; readonly result: unknown }
  | { readonly jsonrpc: '2.0'; readonly id: JsonRpcId | null; readonly error: JsonRpcErrorObject };

export class McpProtocolError extends Error {
  override readonly name = 'McpProtocolError';
  constructor(
    /**
     * NO_RESPONSE and MALFORMED: the answer could not be read. UNSUPPORTED: it could, but asks
     * for a protocol revision or a result type this client does not speak.
     */
    readonly code: 'ERR_MCP_NO_RESPONSE' | 'ERR_MCP_MALFORMED' | 'ERR_MCP_UNSUPPORTED',
    message: string,
  ) {
    super(message);
  }
}

/** A JSON-RPC error object the server answered with (JSON-RPC 2.0 §5.1). */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asResponse(message: unknown): JsonRpcResponse | undefined {
  if (!isRecord(message) || message.jsonrpc !== '2.0' || !('id' in message)) return undefined;
  if ('result' in message) return message as JsonRpcResponse;
  const { error } = message;
  if (isRecord(error) && typeof error.code === 'number' && typeof error.message === 'string') {
    return message as JsonRpcResponse;
  }
  return undefined;
}

/**
 * The `data` payloads of an SSE stream (WHATWG HTML §9.2.6): events end at a blank line,
 * multi-line data is joined with "\n", comments and other fields are skipped.
 */
export function sseDataPayloads(body: string): string[] {
  const payloads: string[] = [];
  let data: string[] = [];
  const flush = (): void => {
    if (data.length > 0) payloads.push(data.join('\n'));
    data = [];
  };
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') {
      flush();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
  }
  flush();
  return payloads;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new McpProtocolError('ERR_MCP_MALFORMED', `${where} is not JSON`);
  }
}

/**
 * Finds the response to request `id` in a Streamable HTTP answer (MCP 2025-06-18, Transports
 * §2.1): either one JSON message (or a batch), or an SSE stream that may carry notifications
 * and requests before the response.
 */
export function parseMcpResponse(
  contentType: string,
  body: string,
  id: JsonRpcId,
): JsonRpcResponse {
  const messages: unknown[] = [];
  if (/^text\/event-stream\b/i.test(contentType)) {
    for (const payload of sseDataPayloads(body)) {
      messages.push(parseJson(payload, 'an SSE event'));
    }
  } else if (/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    const parsed = parseJson(body, 'the response body');
    messages.push(...(Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]));
  } else {
    throw new McpProtocolError(
      'ERR_MCP_MALFORMED',
      `unexpected content type "${contentType || 'none'}"`,
    );
  }
  for (const message of messages) {
    const response = asResponse(message);
    if (response && response.id === id) return response;
  }
  throw new McpProtocolError('ERR_MCP_NO_RESPONSE', `no JSON-RPC response with id ${id}`);
}

/** The error object of a body that is one JSON-RPC error response, else undefined. */
export function errorObjectIn(body: string): JsonRpcErrorObject | undefined {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return undefined;
  }
  const response = asResponse(message);
  return response && 'error' in response ? response.error : undefined;
}

/** The result of a response, or the server's JSON-RPC error thrown as JsonRpcError. */
export function resultOf(response: JsonRpcResponse): unknown {
  if ('error' in response) {
    const { code, message, data } = response.error;
    throw new JsonRpcError(code, message, data);
  }
  return response.result;
}
