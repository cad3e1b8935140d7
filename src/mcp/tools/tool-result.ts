import type { CallToolResult } from '@modelcontextprotocol/server';

/** A result for both kinds of reader: text for the model, structured content for programs. */
export function toolResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}
