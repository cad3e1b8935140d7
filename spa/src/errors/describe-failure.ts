import { ErrorResponse } from 'oidc-client-ts';
import { TokenEndpointError } from '../auth/refresh-grant';
import { SessionExpiredError } from '../auth/session-expired';
import {
  capitalize,
  describeProblem,
  HttpProblemError,
  type ProblemText,
} from '../http/http-problem';
import { JsonRpcError, McpProtocolError } from '../mcp/json-rpc';

/** Turns any failure a page can meet into a sentence that says what happened and what to do. */
export function describeFailure(error: unknown, service: string): ProblemText {
  if (error instanceof HttpProblemError) return describeProblem(error.problem);
  if (error instanceof TokenEndpointError) return describeTokenError(error);
  if (error instanceof SessionExpiredError) {
    return {
      title: 'Your session has expired: sign in again',
      detail: 'This tab no longer holds a token that can be renewed.',
      action: 'sign-in',
    };
  }
  if (error instanceof ErrorResponse) {
    return {
      title: 'The AuthServer refused the request',
      detail: `${error.error ?? 'error'}${error.error_description ? `: ${error.error_description}` : ''}`,
      action: 'sign-in',
    };
  }
  if (error instanceof JsonRpcError) {
    return {
      title: `${capitalize(service)} answered with a JSON-RPC error`,
      detail: `Error ${error.code}: ${error.message}`,
      action: 'retry',
    };
  }
  if (error instanceof McpProtocolError) return describeMcpProtocolError(error, service);
  const detail = error instanceof Error ? error.message : String(error);
  return { title: 'Something went wrong', detail, action: 'retry' };
}

function describeMcpProtocolError(error: McpProtocolError, service: string): ProblemText {
  switch (error.code) {
    case 'ERR_MCP_NO_RESPONSE':
    case 'ERR_MCP_MALFORMED':
      return { title: `Unreadable answer from ${service}`, detail: error.message, action: 'retry' };
    case 'ERR_MCP_UNSUPPORTED':
      return {
        title: `${capitalize(service)} speaks a protocol this page does not`,
        detail: error.message,
        action: 'retry',
      };
  }
}

function describeTokenError(error: TokenEndpointError): ProblemText {
  const why = error.description ? ` (${error.description})` : '';
  switch (error.code) {
    case 'invalid_grant':
      return {
        title: 'Your session has expired: sign in again',
        detail: `The AuthServer no longer accepts the refresh token${why}.`,
        action: 'sign-in',
      };
    case 'invalid_target':
      return {
        title: 'No token for this service',
        detail: `The AuthServer would not issue a token for the requested resource${why}.`,
        action: 'sign-in',
      };
    default:
      return {
        title: 'The AuthServer refused to issue a token',
        detail: `${error.code}${why}`,
        action: 'retry',
      };
  }
}
