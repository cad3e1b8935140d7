import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { emptyResponse, jsonResponse, sseResponse } from '../test/responses';
import { McpPanel } from './McpPanel';

const mcpToken = () => Promise.resolve({ accessToken: 'mcp-token' });

type Handler = (id: number | undefined, params: unknown) => Response;

function mcpServer(handlers: Record<string, Handler>) {
  return vi.fn<typeof fetch>((_url, init) => {
    const { id, method, params } = JSON.parse(init?.body as string) as {
      id?: number;
      method: string;
      params?: unknown;
    };
    const handler = handlers[method];
    return Promise.resolve(handler ? handler(id, params) : emptyResponse(202));
  });
}

/** A 2026-07-28 result: every one names its resultType. */
const complete = (id: number | undefined, result: object) =>
  jsonResponse({ jsonrpc: '2.0', id, result: { ...result, resultType: 'complete' } });

const base: Record<string, Handler> = {
  'server/discover': (id) =>
    complete(id, {
      supportedVersions: ['2026-07-28'],
      capabilities: { tools: {} },
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'weather-mcp', version: '2.0.0' } },
    }),
  'tools/list': (id) =>
    sseResponse([
      {
        jsonrpc: '2.0',
        id,
        result: {
          resultType: 'complete',
          tools: [
            {
              name: 'get-weather-forecast',
              description: 'Gets the forecast',
              inputSchema: { type: 'object' },
            },
            {
              name: 'greet',
              description: 'Says hello',
              inputSchema: { type: 'object', required: ['name'] },
            },
          ],
        },
      },
    ]),
};

function renderPanel(fetchFn: typeof fetch) {
  render(
    <McpPanel
      endpoint="http://localhost:8010/mcp"
      credential={mcpToken}
      onSignIn={vi.fn()}
      fetchFn={fetchFn}
    />,
  );
}

describe('McpPanel', () => {
  it('lists the tools and shows the weather tool result', async () => {
    renderPanel(
      mcpServer({
        ...base,
        'tools/call': (id) =>
          sseResponse([
            {
              jsonrpc: '2.0',
              id,
              result: {
                resultType: 'complete',
                content: [{ type: 'text', text: '[{"summary":"Balmy"}]' }],
              },
            },
          ]),
      }),
    );

    const table = await screen.findByRole('table', { name: 'Tools offered by the MCP server' });
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['get-weather-forecast', 'greet']);
    expect(within(table).getByText('needs name')).toBeTruthy();
    expect(screen.getByText('weather-mcp').closest('p')?.textContent).toBe(
      'Connected to weather-mcp 2.0.0 (protocol 2026-07-28).',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Call get-weather-forecast' }));
    const output = await screen.findByTestId('tool-output');
    expect(JSON.parse(output.textContent ?? '')).toEqual([{ summary: 'Balmy' }]);
    expect(screen.getByRole('heading', { name: 'Result of get-weather-forecast' })).toBeTruthy();
  });

  it('shows a tool-reported error as an error', async () => {
    renderPanel(
      mcpServer({
        ...base,
        'tools/call': (id) =>
          complete(id, { isError: true, content: [{ type: 'text', text: 'The API is down' }] }),
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Call get-weather-forecast' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The tool reported an error');
    expect(alert.textContent).toContain('The API is down');
  });

  it('shows JSON-RPC errors with their code', async () => {
    renderPanel(
      mcpServer({
        ...base,
        'tools/call': (id) =>
          jsonResponse({ jsonrpc: '2.0', id, error: { code: -32603, message: 'Internal error' } }),
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Call get-weather-forecast' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Error -32603: Internal error',
    );
  });

  it('names the missing scope when the server answers 403', async () => {
    renderPanel(
      mcpServer({
        'server/discover': () =>
          emptyResponse(403, {
            'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="api"',
          }),
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Missing scope "api"');
    expect(alert.textContent).toContain('The MCP server needs the scope "api"');
  });

  it('shows the revision a 2025-era server agreed on in the handshake', async () => {
    renderPanel(
      mcpServer({
        'server/discover': () =>
          jsonResponse(
            { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Bad Request' } },
            { status: 400 },
          ),
        initialize: (id) =>
          jsonResponse({
            jsonrpc: '2.0',
            id,
            result: {
              protocolVersion: '2025-06-18',
              capabilities: {},
              serverInfo: { name: 'old-mcp', version: '0.9.0' },
            },
          }),
        'tools/list': (id) => jsonResponse({ jsonrpc: '2.0', id, result: { tools: [] } }),
      }),
    );
    expect((await screen.findByText('old-mcp')).closest('p')?.textContent).toBe(
      'Connected to old-mcp 0.9.0 (protocol 2025-06-18).',
    );
  });

  it('says so when the server speaks only other 2026-era revisions', async () => {
    renderPanel(
      mcpServer({
        'server/discover': (id) =>
          jsonResponse(
            {
              jsonrpc: '2.0',
              id,
              error: { code: -32022, message: 'Unsupported', data: { supported: ['2027-03-01'] } },
            },
            { status: 400 },
          ),
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The MCP server speaks a protocol this page does not');
    expect(alert.textContent).toContain('it supports 2027-03-01');
  });
});
