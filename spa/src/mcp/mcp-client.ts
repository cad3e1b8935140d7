import { fetchOk } from '../http/http-problem';
import { McpProtocolError, parseMcpResponse, resultOf, type JsonRpcId } from './json-rpc';

/**
 * The revision this client offers in `initialize`; later requests name the one the server
 * agreed to in the MCP-Protocol-Version header (MCP lifecycle, version negotiation). The
 * `initialize` request itself carries no such header: servers refuse a 2026-07-28 header on
 * the legacy handshake, where 2026-07-28 proper is stateless with a per-request `_meta`.
 */
export const MCP_PROTOCOL_VERSION = '2026-07-28';
export const MCP_SERVICE = 'the MCP server';

export interface McpTool {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** Names of the arguments its input schema requires; a tool without any can be run as is. */
  readonly requiredArguments: readonly string[];
}

export interface McpServerInfo {
  readonly name: string;
  readonly version: string;
  readonly protocolVersion: string;
}

export interface ToolCallOutcome {
  /** True when the tool itself reported failure (MCP tools/call `isError`). */
  readonly isError: boolean;
  readonly text: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A deliberately small MCP client: JSON-RPC over fetch against a Streamable HTTP endpoint,
 * so a learner can read every header the browser sends. One instance is one MCP session.
 */
export class McpHttpClient {
  private nextId = 1;
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;

  constructor(
    private readonly endpoint: string,
    /** Asked before every request, so a renewed token is picked up mid-session. */
    private readonly accessToken: () => Promise<string>,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly signal?: AbortSignal,
  ) {}

  async initialize(): Promise<McpServerInfo> {
    const result = await this.request('initialize', {
      protocolVersion: MCP_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: 'api-mcp-auth-spa', version: '0.1.0' },
    });
    if (!isRecord(result) || typeof result.protocolVersion !== 'string') {
      throw new McpProtocolError('ERR_MCP_MALFORMED', 'initialize returned no protocolVersion');
    }
    this.protocolVersion = result.protocolVersion;
    const serverInfo = isRecord(result.serverInfo) ? result.serverInfo : {};
    await this.notify('notifications/initialized');
    return {
      name: optionalString(serverInfo.name) ?? 'unknown',
      version: optionalString(serverInfo.version) ?? 'unknown',
      protocolVersion: result.protocolVersion,
    };
  }

  async listTools(): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    // Bounded so that a server that keeps returning cursors cannot hang the page.
    for (let page = 0; page < 20; page += 1) {
      const result = await this.request('tools/list', cursor ? { cursor } : {});
      if (!isRecord(result) || !Array.isArray(result.tools)) {
        throw new McpProtocolError('ERR_MCP_MALFORMED', 'tools/list returned no tools array');
      }
      for (const tool of result.tools) {
        if (!isRecord(tool) || typeof tool.name !== 'string') continue;
        const title = optionalString(tool.title);
        const description = optionalString(tool.description);
        const schema = isRecord(tool.inputSchema) ? tool.inputSchema : {};
        const required = Array.isArray(schema.required) ? schema.required : [];
        tools.push({
          name: tool.name,
          requiredArguments: required.filter((r): r is string => typeof r === 'string'),
          ...(title !== undefined && { title }),
          ...(description !== undefined && { description }),
        });
      }
      cursor = optionalString(result.nextCursor);
      if (!cursor) break;
    }
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown> = {}): Promise<ToolCallOutcome> {
    const result = await this.request('tools/call', { name, arguments: args });
    if (!isRecord(result) || !Array.isArray(result.content)) {
      throw new McpProtocolError('ERR_MCP_MALFORMED', 'tools/call returned no content array');
    }
    const text = result.content
      .map((item: unknown) => {
        if (!isRecord(item)) return '';
        if (item.type === 'text' && typeof item.text === 'string') return item.text;
        return `[${String(item.type)} content]`;
      })
      .join('\n');
    return { isError: result.isError === true, text };
  }

  private async headers(): Promise<Record<string, string>> {
    return {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      Authorization: `Bearer ${await this.accessToken()}`,
      ...(this.protocolVersion !== undefined && { 'MCP-Protocol-Version': this.protocolVersion }),
      ...(this.sessionId !== undefined && { 'Mcp-Session-Id': this.sessionId }),
    };
  }

  private async post(message: object): Promise<Response> {
    const response = await fetchOk(
      MCP_SERVICE,
      this.endpoint,
      {
        method: 'POST',
        headers: await this.headers(),
        body: JSON.stringify({ jsonrpc: '2.0', ...message }),
        ...(this.signal && { signal: this.signal }),
      },
      this.fetchFn,
    );
    // A stateless server sends none; a stateful one expects it back on every request.
    this.sessionId = response.headers.get('mcp-session-id') ?? this.sessionId;
    return response;
  }

  private async request(method: string, params: object): Promise<unknown> {
    const id: JsonRpcId = this.nextId;
    this.nextId += 1;
    const response = await this.post({ id, method, params });
    const body = await response.text();
    return resultOf(parseMcpResponse(response.headers.get('content-type') ?? '', body, id));
  }

  private async notify(method: string): Promise<void> {
    const response = await this.post({ method });
    // The server answers a notification with 202 and no body (Transports §2.1.4).
    await response.body?.cancel();
  }
}
