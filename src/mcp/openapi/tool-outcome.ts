import type { CallToolResult } from '@modelcontextprotocol/server';
import { UpstreamError } from '../upstream/upstream.error';

/**
 * Why a call of an API operation gave no result; the REST twins switch on it.
 * - `unavailable`: the AuthServer or the API cannot be reached, or the API's tools are not known yet
 * - `refused`: a token was refused, by the AuthServer's exchange or by the API (401/403)
 * - `api_error`: the API answered another non-2xx status
 * - `bad_answer`: the API's 2xx answer is too large, outside its description, or repeats its token
 * - `bad_arguments`: the arguments were refused before anything was sent
 * - `not_offered`: the API offers no such operation as a tool
 * - `not_connected`: the API trusts another server, and the user has not connected an account there
 */
export type ToolFailureCode =
  | 'unavailable'
  | 'refused'
  | 'api_error'
  | 'bad_answer'
  | 'bad_arguments'
  | 'not_offered'
  | 'not_connected';

export interface ToolFailure {
  readonly ok: false;
  readonly code: ToolFailureCode;
  /** The HTTP status the model reads: the API's own, or the one this server chose for it. */
  readonly status: number;
  /** Short fields for the model, scrubbed of credentials (./upstream-problem.ts). */
  readonly details: Readonly<Record<string, string>>;
  /** `not_connected` only: the page where the user connects, for MCP URL-mode elicitation. */
  readonly connect?: { readonly url: string; readonly message: string };
}

export interface ToolAnswer {
  readonly ok: true;
  /** The API's JSON (or text) answer as it came, for the REST twins. */
  readonly body: unknown;
  readonly result: CallToolResult;
}

/** One call of an API operation: the answer, or why there is none. */
export type ToolOutcome = ToolAnswer | ToolFailure;

export function failure(
  code: ToolFailureCode,
  status: number,
  details: Record<string, string>,
): ToolFailure {
  return { ok: false, code, status, details };
}

/**
 * What the model reads. A failure is a result with `isError` (MCP tools spec, "Error
 * Handling"), never a protocol error: the model can retry, reconnect or fix its arguments.
 */
export function asCallToolResult(outcome: ToolOutcome): CallToolResult {
  if (outcome.ok) return outcome.result;
  return {
    content: [
      { type: 'text', text: JSON.stringify({ status: outcome.status, ...outcome.details }) },
    ],
    isError: true,
  };
}

/** A token exchange that failed: refused by the AuthServer, or the AuthServer out of reach. */
export function exchangeFailure(error: unknown): ToolFailure {
  if (error instanceof UpstreamError && error.code === 'exchange_refused') {
    return failure('refused', 401, {
      title: 'The authorization server refused a token for this API',
      detail: 'Ask the user to reconnect (sign in again) and retry.',
    });
  }
  return failure('unavailable', 503, {
    title: 'The authorization server is unavailable; try again later',
  });
}
