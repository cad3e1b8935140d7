import { describe, expect, it, vi } from 'vitest';
import { HttpProblemError } from '../http/http-problem';
import { emptyResponse, jsonResponse, sseResponse } from '../test/responses';
import { JsonRpcError, McpProtocolError } from './json-rpc';
import { McpHttpClient } from './mcp-client';

const ENDPOINT = 'http://localhost:8010/mcp';
const token = (value: string) => () => Promise.resolve({ accessToken: value });

interface Sent {
  readonly headers: Headers;
  readonly body: { id?: number; method: string; params?: Record<string, unknown> };
}

type Answer = (id: number | undefined) => Response | Promise<never>;

/** A scripted MCP server: answers each request in order and records what it was sent. */
function scriptedServer(...answers: Answer[]) {
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

const SERVER_INFO = { name: 'weather-mcp', version: '1.0.0' };

/** A 2026-07-28 result: every one names its resultType. */
const complete = (id: number | undefined, result: object) =>
  jsonResponse({ jsonrpc: '2.0', id, result: { ...result, resultType: 'complete' } });

const discovered = (id: number | undefined, supportedVersions = ['2026-07-28']) =>
  complete(id, {
    supportedVersions,
    capabilities: { tools: { listChanged: true } },
    ttlMs: 0,
    cacheScope: 'private',
    _meta: { 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
  });

const initialized = (id: number | undefined, protocolVersion = '2025-11-25') =>
  jsonResponse({
    jsonrpc: '2.0',
    id,
    result: { protocolVersion, capabilities: { tools: {} }, serverInfo: SERVER_INFO },
  });
const accepted = () => emptyResponse(202);
const noTools = (id: number | undefined) => complete(id, { tools: [] });

/** What a @modelcontextprotocol/sdk 1.x stateless server answers a 2026-07-28 request. */
const refusedBy2025Server = () =>
  jsonResponse(
    {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32000,
        message:
          'Bad Request: Unsupported protocol version: 2026-07-28 (supported versions: 2025-11-25, 2025-06-18)',
      },
    },
    { status: 400 },
  );

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'api-mcp-auth-spa', version: '0.1.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('McpHttpClient on a 2026-07-28 server', () => {
  it('discovers the server, then sends every request with the revision in headers and _meta', async () => {
    const { fetchFn, sent } = scriptedServer(
      discovered,
      (id) =>
        sseResponse([
          {
            jsonrpc: '2.0',
            id,
            result: {
              resultType: 'complete',
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
      (id) => complete(id, { content: [{ type: 'text', text: '[{"summary":"Mild"}]' }] }),
    );
    const client = new McpHttpClient(ENDPOINT, token('mcp-token'), fetchFn);

    expect(await client.connect()).toEqual({ ...SERVER_INFO, protocolVersion: '2026-07-28' });
    expect(await client.listTools()).toEqual([
      { name: 'get-weather-forecast', description: 'Five-day forecast', requiredArguments: [] },
      { name: 'echo', requiredArguments: ['text'] },
    ]);
    expect(await client.callTool('get-weather-forecast')).toEqual({
      isError: false,
      text: '[{"summary":"Mild"}]',
    });

    expect(sent.map((s) => s.body.method)).toEqual(['server/discover', 'tools/list', 'tools/call']);
    expect(sent[2]?.body.params).toEqual({
      name: 'get-weather-forecast',
      arguments: {},
      _meta: ENVELOPE,
    });
    for (const { headers, body } of sent) {
      expect(body.params?._meta).toEqual(ENVELOPE);
      expect(headers.get('authorization')).toBe('Bearer mcp-token');
      expect(headers.get('content-type')).toBe('application/json');
      expect(headers.get('accept')).toBe('application/json, text/event-stream');
      expect(headers.get('mcp-protocol-version')).toBe('2026-07-28');
      expect(headers.get('mcp-method')).toBe(body.method);
      expect(headers.get('mcp-session-id')).toBeNull();
    }
    // Mcp-Name mirrors the tool's name, and only on tools/call.
    expect(sent.map((s) => s.headers.get('mcp-name'))).toEqual([
      null,
      null,
      'get-weather-forecast',
    ]);
    expect(
      fetchFn.mock.calls.every(([url, init]) => url === ENDPOINT && init?.method === 'POST'),
    ).toBe(true);
  });

  it('needs no discovery before a request: 2026-07-28 has no handshake', async () => {
    const { fetchFn, sent } = scriptedServer(noTools);
    await new McpHttpClient(ENDPOINT, token('t'), fetchFn).listTools();
    expect(sent[0]?.headers.get('mcp-protocol-version')).toBe('2026-07-28');
    expect(sent[0]?.body.params).toEqual({ _meta: ENVELOPE });
  });

  it('asks for the token before every request, so a renewed token is used at once', async () => {
    const { fetchFn, sent } = scriptedServer(discovered, noTools);
    const tokens = ['first', 'renewed'];
    const client = new McpHttpClient(
      ENDPOINT,
      () => Promise.resolve({ accessToken: tokens.shift() ?? '' }),
      fetchFn,
    );
    await client.connect();
    await client.listTools();
    expect(sent.map((s) => s.headers.get('authorization'))).toEqual([
      'Bearer first',
      'Bearer renewed',
    ]);
  });

  it('refuses a result that asks for more input, and one that names no resultType', async () => {
    const { fetchFn } = scriptedServer(
      (id) =>
        jsonResponse({
          jsonrpc: '2.0',
          id,
          result: { resultType: 'input_required', inputRequests: {} },
        }),
      (id) => jsonResponse({ jsonrpc: '2.0', id, result: { tools: [] } }),
    );
    const client = new McpHttpClient(ENDPOINT, token('t'), fetchFn);
    expect(await failureOf(client.callTool('get-weather-forecast'))).toMatchObject({
      code: 'ERR_MCP_UNSUPPORTED',
    });
    expect(await failureOf(client.listTools())).toMatchObject({ code: 'ERR_MCP_MALFORMED' });
  });

  it('reports tool failures as isError results', async () => {
    const { fetchFn } = scriptedServer((id) =>
      complete(id, { isError: true, content: [{ type: 'text', text: 'API said 503' }] }),
    );
    expect(
      await new McpHttpClient(ENDPOINT, token('t'), fetchFn).callTool('get-weather-forecast'),
    ).toEqual({ isError: true, text: 'API said 503' });
  });

  it('throws JSON-RPC errors', async () => {
    const { fetchFn } = scriptedServer((id) =>
      jsonResponse({ jsonrpc: '2.0', id, error: { code: -32602, message: 'Tool nope not found' } }),
    );
    await expect(
      new McpHttpClient(ENDPOINT, token('t'), fetchFn).callTool('nope'),
    ).rejects.toBeInstanceOf(JsonRpcError);
  });
});

describe('McpHttpClient falling back to the 2025 handshake', () => {
  it('initializes a 2025-only server without any 2026-07-28 header or _meta', async () => {
    const { fetchFn, sent } = scriptedServer(
      refusedBy2025Server,
      (id) => initialized(id, '2025-06-18'),
      accepted,
      (id) => jsonResponse({ jsonrpc: '2.0', id, result: { tools: [] } }),
    );
    const client = new McpHttpClient(ENDPOINT, token('mcp-token'), fetchFn);

    expect(await client.connect()).toEqual({ ...SERVER_INFO, protocolVersion: '2025-06-18' });
    expect(await client.listTools()).toEqual([]);

    expect(sent.map((s) => s.body.method)).toEqual([
      'server/discover',
      'initialize',
      'notifications/initialized',
      'tools/list',
    ]);
    expect(sent[1]?.body.params).toEqual({
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'api-mcp-auth-spa', version: '0.1.0' },
    });
    expect(sent[2]?.body).toEqual({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(sent[3]?.body.params).toEqual({});
    // MCP 2025-11-25, Lifecycle: later requests name the revision the server chose.
    expect(sent.map((s) => s.headers.get('mcp-protocol-version'))).toEqual([
      '2026-07-28',
      null,
      '2025-06-18',
      '2025-06-18',
    ]);
    expect(sent.slice(1).map((s) => s.headers.get('mcp-method'))).toEqual([null, null, null]);
    expect(sent.every((s) => s.headers.get('authorization') === 'Bearer mcp-token')).toBe(true);
  });

  // What the official client's auto mode counts as "no evidence of a 2026-07-28 server".
  it.each<[string, Answer]>([
    [
      'a 2025 server that wants a session first',
      () =>
        jsonResponse(
          {
            jsonrpc: '2.0',
            id: null,
            error: { code: -32000, message: 'Bad Request: Server not initialized' },
          },
          { status: 400 },
        ),
    ],
    [
      'method not found',
      (id) =>
        jsonResponse({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } }),
    ],
    ['a 404 without a body', () => emptyResponse(404)],
    [
      'a result that is not a DiscoverResult',
      (id) => jsonResponse({ jsonrpc: '2.0', id, result: {} }),
    ],
    ['a DiscoverResult without 2026-07-28', (id) => discovered(id, ['2025-11-25'])],
    [
      'UnsupportedProtocolVersionError listing only 2025 revisions',
      (id) =>
        jsonResponse(
          {
            jsonrpc: '2.0',
            id,
            error: { code: -32022, message: 'Unsupported', data: { supported: ['2025-11-25'] } },
          },
          { status: 400 },
        ),
    ],
    // How a browser reports a CORS preflight that does not allow Mcp-Method.
    ['a failed fetch', () => Promise.reject(new TypeError('Failed to fetch'))],
  ])('falls back after %s', async (_, discoverAnswer) => {
    const { fetchFn, sent } = scriptedServer(discoverAnswer, initialized, accepted);
    const server = await new McpHttpClient(ENDPOINT, token('t'), fetchFn).connect();
    expect(server.protocolVersion).toBe('2025-11-25');
    expect(sent.map((s) => s.body.method)).toEqual([
      'server/discover',
      'initialize',
      'notifications/initialized',
    ]);
  });

  it('refuses a handshake revision it does not speak', async () => {
    // A server that echoes whatever it is offered cannot be trusted with 2026-07-28 either.
    const { fetchFn } = scriptedServer(refusedBy2025Server, (id) => initialized(id, '2026-07-28'));
    const failure = await failureOf(new McpHttpClient(ENDPOINT, token('t'), fetchFn).connect());
    expect(failure).toBeInstanceOf(McpProtocolError);
    expect(failure).toMatchObject({ code: 'ERR_MCP_UNSUPPORTED' });
  });

  it('echoes a session id when a stateful server assigns one', async () => {
    const { fetchFn, sent } = scriptedServer(
      refusedBy2025Server,
      (id) => {
        const response = initialized(id);
        response.headers.set('Mcp-Session-Id', 'session-1');
        return response;
      },
      accepted,
      (id) => jsonResponse({ jsonrpc: '2.0', id, result: { tools: [] } }),
    );
    const client = new McpHttpClient(ENDPOINT, token('t'), fetchFn);
    await client.connect();
    await client.listTools();
    expect(sent.map((s) => s.headers.get('mcp-session-id'))).toEqual([
      null,
      null,
      'session-1',
      'session-1',
    ]);
  });
});

describe('McpHttpClient stopping at server/discover', () => {
  const connectAgainst = async (answer: Answer) => {
    const { fetchFn, sent } = scriptedServer(answer);
    const failure = await failureOf(new McpHttpClient(ENDPOINT, token('t'), fetchFn).connect());
    // No handshake was tried: these answers are not evidence of a 2025-era server.
    expect(sent).toHaveLength(1);
    return failure;
  };

  it('maps 401 to unauthorized', async () => {
    const failure = await connectAgainst(() =>
      emptyResponse(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
    );
    expect((failure as HttpProblemError).problem.kind).toBe('unauthorized');
  });

  it('maps 403 insufficient_scope to a problem naming the scope', async () => {
    const failure = await connectAgainst(() =>
      emptyResponse(403, { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="api"' }),
    );
    expect(failure).toBeInstanceOf(HttpProblemError);
    expect((failure as HttpProblemError).problem).toMatchObject({
      kind: 'forbidden',
      scope: 'api',
      service: 'the MCP server',
    });
  });

  it('maps 5xx to a server error', async () => {
    const failure = await connectAgainst(() => emptyResponse(502));
    expect((failure as HttpProblemError).problem.kind).toBe('server-error');
  });

  it.each<[string, Answer, string]>([
    [
      'HTML',
      () => new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } }),
      'ERR_MCP_MALFORMED',
    ],
    [
      'broken JSON',
      () => new Response('{"jsonrpc":', { headers: { 'Content-Type': 'application/json' } }),
      'ERR_MCP_MALFORMED',
    ],
    ['an answer to another request', () => discovered(99), 'ERR_MCP_NO_RESPONSE'],
  ])('refuses a discover answer that is %s', async (_, answer, code) => {
    const failure = await connectAgainst(answer);
    expect(failure).toBeInstanceOf(McpProtocolError);
    expect(failure).toMatchObject({ code });
  });

  it('stops at a modern server that speaks only other 2026-era revisions', async () => {
    const failure = await connectAgainst((id) =>
      jsonResponse(
        {
          jsonrpc: '2.0',
          id,
          error: {
            code: -32022,
            message: 'Unsupported protocol version: 2026-07-28',
            data: { supported: ['2027-03-01'], requested: '2026-07-28' },
          },
        },
        { status: 400 },
      ),
    );
    expect(failure).toMatchObject({
      code: 'ERR_MCP_UNSUPPORTED',
      message: 'the server does not speak protocol 2026-07-28 (it supports 2027-03-01)',
    });
  });
});
