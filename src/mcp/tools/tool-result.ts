import type { CallToolResult } from '@modelcontextprotocol/server';
import { UpstreamError } from '../upstream/upstream.error';
import type { WeatherScope } from '../../config/apis';

const FORECAST_SCOPE: WeatherScope = 'weatherget';

/** A result for both kinds of reader: text for the model, structured content for programs. */
export function toolResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * A failure the model can act on is a tool result with `isError` (MCP tools spec, "Error
 * Handling"), worded as advice; details stay in the server's log.
 */
export function toolFailure(error: unknown): CallToolResult {
  return { content: [{ type: 'text', text: adviceFor(error) }], isError: true };
}

function adviceFor(error: unknown): string {
  if (!(error instanceof UpstreamError)) return 'The tool failed unexpectedly. Try again later.';
  switch (error.code) {
    case 'auth_server_unavailable':
    case 'api_unavailable':
    case 'api_bad_response':
      return 'The weather service is temporarily unavailable. Try again in a minute.';
    case 'exchange_refused':
    case 'api_unauthorized':
      return 'The weather service did not accept this session. Ask the user to reconnect (sign in again) and retry.';
    case 'api_forbidden':
      return `The user has not granted access to weather forecasts (scope "${FORECAST_SCOPE}"). Ask them to reconnect and grant it.`;
  }
}
