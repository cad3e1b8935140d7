import { describe, expect, it } from 'vitest';
import {
  JsonRpcError,
  McpProtocolError,
  parseMcpResponse,
  resultOf,
  sseDataPayloads,
} from './json-rpc';

const response = (id: number, result: unknown) => ({ jsonrpc: '2.0', id, result });

function protocolCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof McpProtocolError ? error.code : `other: ${String(error)}`;
  }
  return undefined;
}

describe('sseDataPayloads', () => {
  it('splits events on blank lines and joins multi-line data', () => {
    const body =
      'event: message\nid: 1\ndata: {"a":\ndata: 1}\n\n: keep-alive comment\n\ndata:{"b":2}\r\n\r\n';
    expect(sseDataPayloads(body)).toEqual(['{"a":\n1}', '{"b":2}']);
  });

  it('keeps the last event even without a trailing blank line', () => {
    expect(sseDataPayloads('data: x')).toEqual(['x']);
  });

  it('removes exactly one space after the colon', () => {
    expect(sseDataPayloads('data:  two spaces\n\n')).toEqual([' two spaces']);
  });
});

describe('parseMcpResponse', () => {
  it('reads a plain JSON response', () => {
    const body = JSON.stringify(response(2, { tools: [] }));
    expect(parseMcpResponse('application/json; charset=utf-8', body, 2)).toEqual(
      response(2, { tools: [] }),
    );
  });

  it('finds the response in a JSON batch', () => {
    const body = JSON.stringify([
      { jsonrpc: '2.0', method: 'notifications/message' },
      response(7, 'ok'),
    ]);
    expect(resultOf(parseMcpResponse('application/json', body, 7))).toBe('ok');
  });

  it('finds the response in an SSE stream after notifications and other ids', () => {
    const body = [
      `data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } })}`,
      '',
      `data: ${JSON.stringify(response(1, 'stale'))}`,
      '',
      `event: message\ndata: ${JSON.stringify(response(3, { content: [] }))}`,
      '',
    ].join('\n');
    expect(resultOf(parseMcpResponse('text/event-stream', body, 3))).toEqual({ content: [] });
  });

  it('returns JSON-RPC errors, which resultOf throws with their code', () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 4,
      error: { code: -32602, message: 'Unknown tool' },
    });
    const parsed = parseMcpResponse('application/json', body, 4);
    let caught: unknown;
    try {
      resultOf(parsed);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JsonRpcError);
    expect((caught as JsonRpcError).code).toBe(-32602);
    expect((caught as JsonRpcError).message).toBe('Unknown tool');
  });

  it('names malformed answers', () => {
    expect(protocolCode(() => parseMcpResponse('application/json', '{oops', 1))).toBe(
      'ERR_MCP_MALFORMED',
    );
    expect(protocolCode(() => parseMcpResponse('text/event-stream', 'data: {oops\n\n', 1))).toBe(
      'ERR_MCP_MALFORMED',
    );
    expect(protocolCode(() => parseMcpResponse('text/html', '<html>', 1))).toBe(
      'ERR_MCP_MALFORMED',
    );
    expect(protocolCode(() => parseMcpResponse('text/event-stream', '', 1))).toBe(
      'ERR_MCP_NO_RESPONSE',
    );
    expect(
      protocolCode(() => parseMcpResponse('application/json', JSON.stringify(response(9, 1)), 1)),
    ).toBe('ERR_MCP_NO_RESPONSE');
    expect(
      protocolCode(() =>
        parseMcpResponse(
          'application/json',
          JSON.stringify({ jsonrpc: '2.0', id: 1, error: 'x' }),
          1,
        ),
      ),
    ).toBe('ERR_MCP_NO_RESPONSE');
  });
});
