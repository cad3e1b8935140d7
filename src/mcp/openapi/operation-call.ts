import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ProtectedApi } from '../../config/config';
import type { ApiRequest, ApiResponse } from '../upstream/api-http';
import { CallArgumentError } from './call-argument.error';
import { isForwardableHeader } from './forbidden-headers';
import { BODY, OperationTool } from './operation-tool';
import { fillPathTemplate } from './path-template';
import { failure, type ToolFailure, type ToolOutcome } from './tool-outcome';
import { problemFields } from './upstream-problem';

/** Query and header values longer than this are no parameter an API expects. */
const MAX_VALUE = 8192;
/** Most HTTP servers refuse longer request targets (RFC 9112 §3 suggests at least 8000). */
const MAX_URL = 8000;
/** RFC 9110 §5.5 field-value characters (visible ASCII, space, tab, obs-text). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The HTTP request of one tool call: path template filled, query and headers set, JSON body.
 * Throws a CallArgumentError, before anything is sent, for arguments that would leave the
 * operation's path or make an invalid request; the final URL is parsed again to prove that it
 * lands exactly on the filled template under the API's base URL. The credentials are added
 * by the caller (../upstream/bound-api-client.ts), after these checks.
 */
export function upstreamRequest(
  api: ProtectedApi,
  tool: OperationTool,
  args: Record<string, unknown>,
): ApiRequest {
  const pathValues = new Map<string, string>();
  const query = new URLSearchParams();
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const p of tool.parameters) {
    const value = Object.hasOwn(args, p.name) ? args[p.name] : undefined;
    if (value === undefined) continue;
    switch (p.in) {
      case 'path':
        pathValues.set(p.name, scalar(value));
        break;
      case 'query':
        // OpenAPI's default query style is `form` with `explode: true`: one pair per item.
        for (const item of Array.isArray(value) ? (value as unknown[]) : [value])
          query.append(p.name, bounded(`query parameter "${p.name}"`, scalar(item)));
        break;
      case 'header':
        if (isForwardableHeader(p.name)) headers[p.name] = headerValue(p.name, scalar(value));
        break;
    }
  }
  const body = tool.hasBody && args[BODY] !== undefined ? JSON.stringify(args[BODY]) : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const path = fillPathTemplate(tool.template, pathValues);
  const search = query.size ? `?${query.toString()}` : '';
  return {
    url: provenUrl(api.baseUrl, path, search),
    method: tool.method.toUpperCase(),
    headers,
    ...(body !== undefined && { body }),
  };
}

/** WHATWG URL parsing must leave the path as built: same origin, base path + filled template. */
function provenUrl(baseUrl: string, path: string, search: string): string {
  const url = `${baseUrl}${path}${search}`;
  if (url.length > MAX_URL) {
    throw new CallArgumentError('too_long', `the request URL would be longer than ${MAX_URL}`);
  }
  const base = new URL(baseUrl);
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const basePath = base.pathname === '/' ? '' : base.pathname;
  if (parsed?.origin !== base.origin || parsed.pathname !== `${basePath}${path}` || parsed.hash) {
    throw new CallArgumentError('escapes_template', 'the arguments would leave the operation path');
  }
  return url;
}

function scalar(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function bounded(what: string, value: string): string {
  if (value.length > MAX_VALUE) {
    throw new CallArgumentError('too_long', `${what} is longer than ${MAX_VALUE}`);
  }
  return value;
}

/** CR, LF or NUL in a header value would split the request (RFC 9110 §5.5). */
function headerValue(name: string, value: string): string {
  bounded(`header "${name}"`, value);
  if (!HEADER_VALUE.test(value)) {
    throw new CallArgumentError(
      'bad_characters',
      `header "${name}" has characters a header cannot carry`,
    );
  }
  return value;
}

/** An upstream answer: status and parsed JSON (or text). */
export interface UpstreamAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
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
  return { status: response.status, body, text };
}

/**
 * A 2xx answer as text and structured content. Anything else is a failure with the status
 * and the short problem fields (RFC 9457) of a JSON body, scrubbed of credentials; for 401/403
 * only the status and the error code. An answer that carries the token it was sent with, 2xx
 * or not, never reaches the model or a REST twin's client with it.
 */
export function outcomeOf(tool: OperationTool, answer: UpstreamAnswer, token: string): ToolOutcome {
  const { status, body } = answer;
  if (status >= 200 && status < 300) {
    if (token && answer.text.includes(token)) {
      return failure('bad_answer', 502, {
        title: "The API's answer repeats the credential it was sent",
      });
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const content: CallToolResult['content'] = [{ type: 'text', text: text || `HTTP ${status}` }];
    if (!tool.output) return { ok: true, body, result: { content } };
    const structured = tool.output.wrapKey ? { [tool.output.wrapKey]: body } : body;
    if (typeof body === 'string' || typeof structured !== 'object' || structured === null) {
      return failure('bad_answer', 502, {
        title: "The API's answer is not the JSON its description promises",
      });
    }
    return { ok: true, body, result: { content, structuredContent: structured } };
  }
  if (status === 401 || status === 403) return failure('refused', status, authDetails(status));
  return failure('api_error', status, problemFields(body, token));
}

/** A tool call whose arguments were refused before any request: the model can correct them. */
export function argumentFailure(error: CallArgumentError): ToolFailure {
  return failure('bad_arguments', 400, {
    title: 'Invalid arguments',
    detail: error.message,
    error: error.code,
  });
}

function authDetails(status: 401 | 403): Record<string, string> {
  return status === 401
    ? { title: 'The API did not accept the token minted for it', error: 'invalid_token' }
    : { title: 'The API requires a scope the user has not granted', error: 'insufficient_scope' };
}
