import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ProtectedApi } from '../../config/config';
import type { ApiRequest, ApiResponse } from '../upstream/api-http';
import { BODY, OperationTool } from './operation-tool';

/** Headers the tool's caller must not set: the token and framing are ours. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-length',
  'content-type',
  'cookie',
]);

/** The HTTP request of one tool call: path template filled, query and headers set, JSON body. */
export function upstreamRequest(
  api: ProtectedApi,
  tool: OperationTool,
  args: Record<string, unknown>,
  token: string,
): ApiRequest {
  let path = tool.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const p of tool.parameters) {
    const value = args[p.name];
    if (value === undefined) continue;
    switch (p.in) {
      case 'path':
        // RFC 6570 simple expansion: every reserved character is percent-encoded.
        path = path.split(`{${p.name}}`).join(encodeURIComponent(scalar(value)));
        break;
      case 'query':
        // OpenAPI's default query style is `form` with `explode: true`: one pair per item.
        for (const item of Array.isArray(value) ? value : [value])
          query.append(p.name, scalar(item));
        break;
      case 'header':
        if (!RESERVED_HEADERS.has(p.name.toLowerCase())) headers[p.name] = scalar(value);
        break;
    }
  }
  headers.authorization = `Bearer ${token}`;
  const body = tool.hasBody && args[BODY] !== undefined ? JSON.stringify(args[BODY]) : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const search = query.size ? `?${query.toString()}` : '';
  return {
    url: `${api.baseUrl}${path}${search}`,
    method: tool.method.toUpperCase(),
    headers,
    ...(body !== undefined && { body }),
  };
}

function scalar(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** An upstream answer: status and parsed JSON (or text). */
export interface UpstreamAnswer {
  readonly status: number;
  readonly body: unknown;
}

export function readAnswer(response: ApiResponse): UpstreamAnswer {
  const { text } = response;
  let body: unknown = text;
  if (response.contentType.toLowerCase().includes('json') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body };
}

/**
 * A 2xx answer as text and structured content. Anything else is a tool error with the status
 * and the API's problem details (RFC 9457) when it sent some; for 401/403 only the status and
 * the error code, so nothing about the token travels back to the model.
 */
export function toolResultOf(tool: OperationTool, answer: UpstreamAnswer): CallToolResult {
  const { status, body } = answer;
  if (status >= 200 && status < 300) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const content: CallToolResult['content'] = [{ type: 'text', text: text || `HTTP ${status}` }];
    if (!tool.output) return { content };
    const structured = tool.output.wrapKey ? { [tool.output.wrapKey]: body } : body;
    if (typeof body === 'string' || typeof structured !== 'object' || structured === null) {
      return failure(502, { title: "The API's answer is not the JSON its description promises" });
    }
    return { content, structuredContent: structured };
  }
  return failure(status, status === 401 || status === 403 ? authDetails(status) : body);
}

export function failure(status: number, details: unknown): CallToolResult {
  const problem = typeof details === 'object' && details !== null ? details : { detail: details };
  return {
    content: [{ type: 'text', text: JSON.stringify({ status, ...problem }) }],
    isError: true,
  };
}

function authDetails(status: 401 | 403): Record<string, string> {
  return status === 401
    ? { title: 'The API did not accept the token minted for it', error: 'invalid_token' }
    : { title: 'The API requires a scope the user has not granted', error: 'insufficient_scope' };
}
