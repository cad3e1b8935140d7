import { authorizedFetch, type AccessCredential } from '../http/access-credential';
import { HttpProblemError, problemFromResponse } from '../http/http-problem';
import {
  errorObjectIn,
  McpProtocolError,
  parseMcpResponse,
  resultOf,
  type JsonRpcId,
} from './json-rpc';
import { mcpHeaderValue } from './header-value';
import {
  completeResult,
  eraOfDiscoverError,
  eraOfDiscoverResult,
  HANDSHAKE_PROTOCOL_VERSION,
  HANDSHAKE_PROTOCOL_VERSIONS,
  LEGACY,
  MODERN_PROTOCOL_VERSION,
  type Era,
} from './protocol-version';

export const MCP_SERVICE = 'the MCP server';

const CLIENT_INFO = { name: 'api-mcp-auth-spa', version: '0.1.0' };

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

/** A JSON-RPC request, or a notification when it has no id (JSON-RPC 2.0 §4). */
interface OutgoingMessage {
  readonly id?: JsonRpcId;
  readonly method: string;
  readonly params?: JsonObject;
}

type JsonObject = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The per-request `_meta` that replaces the handshake in 2026-07-28 (Base protocol, `_meta`). */
function requestMeta(): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
    'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    // This page handles no server-to-client requests (sampling, elicitation, roots).
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

function serverInfoOf(value: unknown, protocolVersion: string): McpServerInfo {
  const info = isRecord(value) ? value : {};
  return {
    name: optionalString(info.name) ?? 'unknown',
    version: optionalString(info.version) ?? 'unknown',
    protocolVersion,
  };
}

/**
 * A deliberately small MCP client: JSON-RPC over fetch against a Streamable HTTP endpoint,
 * so a learner can read every header the browser sends. It speaks 2026-07-28, where each
 * request stands alone, and falls back to a 2025-era session for servers without it.
 */
export class McpHttpClient {
  private nextId = 1;
  /** Until connect() finds a 2025-era server, every request goes out in the 2026-07-28 shape. */
  private era: 'modern' | 'legacy' = 'modern';
  /** What the 2025 handshake agreed on, and the session a stateful 2025 server assigned. */
  private handshakeVersion: string | undefined;
  private sessionId: string | undefined;

  constructor(
    private readonly endpoint: string,
    /** Asked before every request, so a renewed token is picked up mid-session. */
    private readonly credential: () => Promise<AccessCredential>,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Learns who the server is and which revision to speak, once per client: `server/discover`,
   * else `initialize`. 2026-07-28 needs no handshake, so requests work without it too.
   */
  async connect(): Promise<McpServerInfo> {
    const era = await this.discover();
    if (era.kind === 'modern') {
      const meta = isRecord(era.discovered._meta) ? era.discovered._meta : {};
      return serverInfoOf(meta['io.modelcontextprotocol/serverInfo'], MODERN_PROTOCOL_VERSION);
    }
    return this.initialize();
  }

  /**
   * `server/discover` as the official client probes with it. Only what needs the user (401, 403),
   * a failing server (5xx), an unreadable answer or a modern server without 2026-07-28 stop
   * here; every other answer sends the client to the handshake.
   */
  private async discover(): Promise<Era> {
    const id = this.takeId();
    let response: Response;
    try {
      response = await this.send(this.requestInit({ id, method: 'server/discover' }));
    } catch (error) {
      // A browser reports a CORS preflight that refuses the 2026 headers like an unreachable
      // server; the handshake carries none of them and tells the two apart.
      if (error instanceof HttpProblemError && error.problem.kind === 'unreachable') return LEGACY;
      throw error;
    }
    const { status } = response;
    if (status === 401 || status === 403 || status >= 500) {
      throw new HttpProblemError(problemFromResponse(MCP_SERVICE, response));
    }
    const body = await response.text();
    if (!response.ok) {
      // 2025-era servers answer 400 to a request outside a session or naming a revision they
      // do not know; a 2026-era server answers 400 with UnsupportedProtocolVersionError.
      const error = errorObjectIn(body);
      return error ? eraOfDiscoverError(error) : LEGACY;
    }
    const answer = parseMcpResponse(response.headers.get('content-type') ?? '', body, id);
    return 'error' in answer
      ? eraOfDiscoverError(answer.error)
      : eraOfDiscoverResult(answer.result);
  }

  /**
   * The 2025 handshake (MCP 2025-11-25, Lifecycle): offer our newest handshake revision, accept
   * the server's choice if we speak it, and name it in MCP-Protocol-Version from then on.
   */
  private async initialize(): Promise<McpServerInfo> {
    this.era = 'legacy';
    const result = await this.request('initialize', {
      protocolVersion: HANDSHAKE_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    });
    if (!isRecord(result) || typeof result.protocolVersion !== 'string') {
      throw new McpProtocolError('ERR_MCP_MALFORMED', 'initialize returned no protocolVersion');
    }
    if (!HANDSHAKE_PROTOCOL_VERSIONS.includes(result.protocolVersion)) {
      throw new McpProtocolError(
        'ERR_MCP_UNSUPPORTED',
        `the server chose protocol ${result.protocolVersion}, which this client does not speak`,
      );
    }
    this.handshakeVersion = result.protocolVersion;
    await this.notify('notifications/initialized');
    return serverInfoOf(result.serverInfo, result.protocolVersion);
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

  private headers(method: string, params: JsonObject): Record<string, string> {
    const common = {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    };
    if (this.era === 'legacy') {
      return {
        ...common,
        // Absent on initialize itself, which is how servers recognise the handshake.
        ...(this.handshakeVersion !== undefined && {
          'MCP-Protocol-Version': this.handshakeVersion,
        }),
        ...(this.sessionId !== undefined && { 'Mcp-Session-Id': this.sessionId }),
      };
    }
    // Streamable HTTP, standard headers: what the body says, repeated for whoever routes the
    // request without reading it; the server refuses a request whose headers and body disagree.
    const name = method === 'tools/call' ? params.name : undefined;
    return {
      ...common,
      'MCP-Protocol-Version': MODERN_PROTOCOL_VERSION,
      'Mcp-Method': method,
      ...(typeof name === 'string' && { 'Mcp-Name': mcpHeaderValue(name) }),
    };
  }

  /** The POST carrying one JSON-RPC message; one without an id is a notification. */
  private requestInit(message: OutgoingMessage): RequestInit {
    const { method, params = {} } = message;
    const sent =
      this.era === 'modern' ? { ...message, params: { ...params, _meta: requestMeta() } } : message;
    return {
      method: 'POST',
      headers: this.headers(method, params),
      body: JSON.stringify({ jsonrpc: '2.0', ...sent }),
      ...(this.signal && { signal: this.signal }),
    };
  }

  private takeId(): JsonRpcId {
    const id = this.nextId;
    this.nextId += 1;
    return id;
  }

  /** One POST with the current token: Bearer, or DPoP with a proof for this request. */
  private async send(init: RequestInit): Promise<Response> {
    const credential = await this.credential();
    return authorizedFetch(MCP_SERVICE, this.endpoint, init, credential, this.fetchFn);
  }

  private async post(message: OutgoingMessage): Promise<Response> {
    const response = await this.send(this.requestInit(message));
    if (!response.ok) throw new HttpProblemError(problemFromResponse(MCP_SERVICE, response));
    if (this.era === 'legacy') {
      // A stateless server sends none; a stateful one expects it back on every request.
      this.sessionId = response.headers.get('mcp-session-id') ?? this.sessionId;
    }
    return response;
  }

  private async request(method: string, params: JsonObject): Promise<unknown> {
    const id = this.takeId();
    const response = await this.post({ id, method, params });
    const body = await response.text();
    const result = resultOf(parseMcpResponse(response.headers.get('content-type') ?? '', body, id));
    return this.era === 'modern' ? completeResult(method, result) : result;
  }

  private async notify(method: string): Promise<void> {
    const response = await this.post({ method });
    // The server answers a notification with 202 and no body (Transports §2.1.4).
    await response.body?.cancel();
  }
}
