import { describe, expect, it, vi } from 'vitest';
import { HttpProblemError } from '../http/http-problem';
import { emptyResponse, jsonResponse, sseResponse } from '../test/responses';
import { JsonRpcError } from './json-rpc';
import { McpHttpClient } from './mcp-client';

const ENDPOINT = 'http://localhost:8010/mcp';
const token = (value: string) => () => Promise.resolve(value);

interface Sent {
  readonly headers: Headers;
  readonly body: { id?: number; method: string; params?: unknown };
}

/** A scripted MCP server: answers each request in order and records what it was sent. */
function scriptedServer(...answers: ((id: number | undefined) => Response)[]) {
  const sent: Sent[] = [];
  const fetchFn = vi.fn<typeof fetch>((_url, init) => {
    const body = JSON.parse(init?.body as string) as Sent['body'];
    sent.push({ headers: new Headers(init?.headers), body });
    const answer = answers[sent.length - 1];
    if (!answer) return Promise.reject(new Error(`unexpected request ${body.method}`));
    return Promise.resolve(answer(body.id));
  });
  return { fetchFn, sent };
}

const initializeResult = (id: number | undefined, protocolVersion = '2026-07-28') =>
  jsonResponse({
    jsonrpc: '2.0',
    id,
    result: {
      protocolVersion,
      capabilities: { tools: {} },
      serverInfo: { name: 'weather-mcp', version: '1.0.0' },
    },
  });
const accepted = () => emptyResponse(202);

describe('McpHttpClient', () => {
  it('initializes, lists tools and calls one, with the headers the transport requires', async () => {
    const { fetchFn, sent } = scriptedServer(
      initializeResult,
      accepted,
      (id) =>
        sseResponse([
          {
            jsonrpc: '2.0',
            id,
            result: {
              tools: [
                {
                  name: 'get-weather-forecast',
                  description: 'Five-day forecast',
                  inputSchema: { type: 'object' },
                },
                { name: 'echo', inputSchema: { type: 'object', required: ['text'] } },
              ],
            },
          },
        ]),
      (id) =>
        sseResponse([
          {
            jsonrpc: '2.0',
            id,
            result: { content: [{ type: 'text', text: '[{"summary":"Mild"}]' }] },
          },
        ]),
    );
    const client = new McpHttpClient(ENDPOINT, token('mcp-token'), fetchFn);

    expect(await client.initialize()).toEqual({
      name: 'weather-mcp',
      version: '1.0.0',
      protocolVersion: '2026-07-28',
    });
    expect(await client.listTools()).toEqual([
      { name: 'get-weather-forecast', description: 'Five-day forecast', requiredArguments: [] },
      { name: 'echo', requiredArguments: ['text'] },
    ]);
    expect(await client.callTool('get-weather-forecast')).toEqual({
      isError: false,
      text: '[{"summary":"Mild"}]',
    });

    expect(sent.map((s) => s.body.method)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/list',
      'tools/call',
    ]);
    expect(sent[0]?.body.params).toMatchObject({ protocolVersion: '2026-07-28' });
    expect(sent[1]?.body.id).toBeUndefined();
    expect(sent[3]?.body.params).toEqual({ name: 'get-weather-forecast', arguments: {} });
    for (const { headers } of sent) {
      expect(headers.get('authorization')).toBe('Bearer mcp-token');
      expect(headers.get('content-type')).toBe('application/json');
      expect(headers.get('accept')).toBe('application/json, text/event-stream');
    }
    expect(sent.map((s) => s.headers.get('mcp-protocol-version'))).toEqual([
      null,
      '2026-07-28',
      '2026-07-28',
      '2026-07-28',
    ]);
    expect(
      fetchFn.mock.calls.every(([url, init]) => url === ENDPOINT && init?.method === 'POST'),
    ).toBe(true);
  });

  it('offers 2026-07-28 and follows a server that negotiates an earlier revision', async () => {
    const { fetchFn, sent } = scriptedServer(
      (id) => initializeResult(id, '2025-11-25'),
      accepted,
      (id) => jsonResponse({ jsonrpc: '2.0', id, result: { tools: [] } }),
    );
    const client = new McpHttpClient(ENDPOINT, token('mcp-token'), fetchFn);

    expect((await client.initialize()).protocolVersion).toBe('2025-11-25');
    await client.listTools();

    expect(sent[0]?.body.params).toMatchObject({ protocolVersion: '2026-07-28' });
    // MCP lifecycle, version negotiation: later requests carry the version agreed on.
    expect(sent.map((s) => s.headers.get('mcp-protocol-version'))).toEqual([
      null,
      '2025-11-25',
      '2025-11-25',
    ]);
  });

  it('echoes a session id when a stateful server assigns one', async () => {
    const { fetchFn, sent } = scriptedServer(
      (id) => {
        const response = initializeResult(id);
        response.headers.set('Mcp-Session-Id', 'session-1');
        return response;
      },
      accepted,
      (id) => jsonResponse({ jsonrpc: '2.0', id, result: { tools: [] } }),
    );
    const client = new McpHttpClient(ENDPOINT, token('t'), fetchFn);
    await client.initialize();
    await client.listTools();
    expect(sent[0]?.headers.get('mcp-session-id')).toBeNull();
    expect(sent[2]?.headers.get('mcp-session-id')).toBe('session-1');
  });

  it('asks for the token before every request, so a renewed token is used at once', async () => {
    const { fetchFn, sent } = scriptedServer(initializeResult, accepted, (id) =>
      jsonResponse({ jsonrpc: '2.0', id, result: { tools: [] } }),
    );
    const tokens = ['first', 'first', 'renewed'];
    const client = new McpHttpClient(
      ENDPOINT,
      () => Promise.resolve(tokens.shift() ?? ''),
      fetchFn,
    );
    await client.initialize();
    await client.listTools();
    expect(sent.map((s) => s.headers.get('authorization'))).toEqual([
      'Bearer first',
      'Bearer first',
      'Bearer renewed',
    ]);
  });

  it('reports tool failures as isError results', async () => {
    const { fetchFn } = scriptedServer((id) =>
      jsonResponse({
        jsonrpc: '2.0',
        id,
        result: { isError: true, content: [{ type: 'text', text: 'API said 503' }] },
      }),
    );
    expect(
      await new McpHttpClient(ENDPOINT, token('t'), fetchFn).callTool('get-weather-forecast'),
    ).toEqual({
      isError: true,
      text: 'API said 503',
    });
  });

  it('throws JSON-RPC errors', async () => {
    const { fetchFn } = scriptedServer((id) =>
      jsonResponse({ jsonrpc: '2.0', id, error: { code: -32602, message: 'Tool nope not found' } }),
    );
    await expect(
      new McpHttpClient(ENDPOINT, token('t'), fetchFn).callTool('nope'),
    ).rejects.toBeInstanceOf(JsonRpcError);
  });

  it('maps 403 insufficient_scope to a problem naming the scope', async () => {
    const { fetchFn } = scriptedServer(() =>
      emptyResponse(403, { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="api"' }),
    );
    const failure = await new McpHttpClient(ENDPOINT, token('t'), fetchFn)
      .initialize()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpProblemError);
    expect((failure as HttpProblemError).problem).toMatchObject({
      kind: 'forbidden',
      scope: 'api',
      service: 'the MCP server',
    });
  });

  it('maps 401 to unauthorized', async () => {
    const { fetchFn } = scriptedServer(() =>
      emptyResponse(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
    );
    const failure = await new McpHttpClient(ENDPOINT, token('t'), fetchFn)
      .initialize()
      .catch((e: unknown) => e);
    expect((failure as HttpProblemError).problem.kind).toBe('unauthorized');
  });
});
