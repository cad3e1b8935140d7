import { setImmediate, setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  fromJsonSchema,
  type CallToolResult,
  type JsonSchemaType,
} from '@modelcontextprotocol/server';
import { McpStrategy } from '@rekog/mcp-nest';
import { SHARED_CONFIG } from '../../config/config.module';
import type { ProtectedApi, SharedConfig } from '../../config/config';
import { Principal } from '../../bearer/principal';
import { ApiCallError, ApiHttpClient } from '../upstream/api-http';
import { BoundApiClient } from '../upstream/bound-api-client';
import { TokenExchangeClient } from '../upstream/token-exchange.client';
import { UpstreamError } from '../upstream/upstream.error';
import { CallArgumentError } from './call-argument.error';
import { connectRequest } from './connect-request';
import { loadOpenApiDocument } from './openapi-document';
import { OpenApiDocumentError } from './openapi-document.error';
import { argumentFailure, outcomeOf, readAnswer, upstreamRequest } from './operation-call';
import type { Method, OperationTool } from './operation-tool';
import { apiTools } from './operation-tools';
import { asCallToolResult, exchangeFailure, failure, type ToolOutcome } from './tool-outcome';
import { UrlElicitationOffer } from './url-elicitation';

export const MCP_STRATEGY_REF = Symbol('MCP_STRATEGY_REF');
/**
 * An API that is not up yet is asked again at most this often (one attempt at a time): roles
 * start in any order, and a tool call soon after the API comes up should find its tools.
 */
const RETRY_MS = 500;
/** A document that was read and refused is asked again this much later, not at every request. */
const REFUSED_RETRY_MS = 5 * 60_000;
/**
 * An MCP request waits this long at most for a document being read: a slow or dripping
 * document server must not hold every request of every user for its whole timeout.
 */
const LOAD_WAIT_MS = 1000;

type OutputCheck = ReturnType<typeof fromJsonSchema>;

/** A registered tool: what to call, and the compiled check of its structured output. */
interface Registered {
  readonly api: ProtectedApi;
  readonly tool: OperationTool;
  readonly output: OutputCheck | undefined;
}

interface ApiState {
  loaded: boolean;
  retryAt: number;
  attempt: Promise<void> | undefined;
}

/**
 * Registers every configured API's operations as MCP tools. Roles start in any order, so an API
 * that is down does not stop this server: its document is read again, at most every half
 * second, whenever an MCP request arrives (the guard below waits a moment for that attempt).
 */
@Injectable()
export class OpenApiTools implements OnApplicationBootstrap {
  private readonly logger = new Logger(OpenApiTools.name);
  private readonly states = new Map<ProtectedApi, ApiState>();
  private readonly registered = new Map<string, Registered>();

  constructor(
    @Inject(SHARED_CONFIG) private readonly config: SharedConfig,
    @Inject(MCP_STRATEGY_REF) private readonly strategy: McpStrategy,
    private readonly exchange: TokenExchangeClient,
    private readonly http: ApiHttpClient,
    private readonly bound: BoundApiClient,
  ) {
    for (const api of config.apis)
      this.states.set(api, { loaded: false, retryAt: 0, attempt: undefined });
  }

  onApplicationBootstrap(): void {
    void this.ensureLoaded();
  }

  /** Tries every API whose tools are missing and waits for that a moment at most; never throws. */
  async ensureLoaded(): Promise<void> {
    const now = Date.now();
    const attempts: Promise<void>[] = [];
    for (const [api, state] of this.states) {
      if (state.loaded) continue;
      if (!state.attempt && now >= state.retryAt) {
        state.attempt = this.load(api, state).finally(() => (state.attempt = undefined));
      }
      if (state.attempt) attempts.push(state.attempt);
    }
    if (!attempts.length) return;
    await Promise.race([Promise.all(attempts), delay(LOAD_WAIT_MS, undefined, { ref: false })]);
  }

  /** The APIs whose tools are not known yet (their description could not be read). */
  get missing(): string[] {
    return [...this.states].filter(([, state]) => !state.loaded).map(([api]) => api.name);
  }

  has(toolName: string): boolean {
    return this.registered.has(toolName);
  }

  /**
   * Calls operation `method path` of the API whose resource is `resource` exactly as the MCP
   * client's call of its tool runs: the same exchanged token, request and checks of the answer.
   * For the REST twins, which must not keep a second way to the same API.
   */
  async callOperation(
    resource: string,
    method: Method,
    path: string,
    args: Record<string, unknown>,
    caller: Principal,
  ): Promise<ToolOutcome> {
    await this.ensureLoaded();
    for (const registered of this.registered.values()) {
      const { api, tool } = registered;
      if (api.resource === resource && tool.method === method && tool.path === path)
        return this.checkedCall(registered, args, caller);
    }
    const pending = [...this.states].find(
      ([api, state]) => api.resource === resource && !state.loaded,
    );
    if (pending) {
      return failure('unavailable', 503, {
        title: `${pending[0].name} is unreachable; try again later`,
      });
    }
    return failure('not_offered', 404, {
      title: `No API offers ${method.toUpperCase()} ${path} for ${resource} as a tool`,
    });
  }

  private async load(api: ProtectedApi, state: ApiState): Promise<void> {
    let tools;
    try {
      const document = await loadOpenApiDocument(api, this.http);
      const prefix = this.config.apis.length > 1 ? api.name : undefined;
      const built = apiTools(api, document, prefix);
      tools = built.tools;
      // Debug level: start-up stays quiet (the default weather API always leaves one out).
      for (const s of built.skipped)
        this.logger.debug({ msg: 'operation not offered as a tool', api: api.name, ...s });
    } catch (error) {
      const retryMs = retryDelay(error);
      state.retryAt = Date.now() + retryMs;
      this.logger.warn({
        msg: retryMs === RETRY_MS ? 'API description not available yet' : 'API description refused',
        api: api.name,
        ...(error instanceof OpenApiDocumentError ? { reason: error.message } : { err: error }),
      });
      return;
    }
    let offered = 0;
    for (const tool of tools) {
      // Compiling a tool's schemas takes a moment: other requests go between two tools.
      await setImmediate();
      if (this.register(api, tool)) offered++;
    }
    state.loaded = true;
    this.logger.debug({ msg: 'API tools registered', api: api.name, tools: offered });
  }

  /** Registers one tool; a schema the SDK's validator cannot compile costs only this tool. */
  private register(api: ProtectedApi, tool: OperationTool): boolean {
    let output: OutputCheck | undefined;
    try {
      // Compiled here, once: the SDK compiles the same objects again for tools/list and
      // tools/call, and its validator caches them by identity.
      fromJsonSchema(tool.inputSchema as JsonSchemaType);
      output = tool.output && fromJsonSchema(tool.output.schema as JsonSchemaType);
      this.strategy.registerTool({
        name: tool.name,
        description: tool.description,
        parameters: tool.inputSchema,
        outputSchema: tool.output?.schema,
        annotations: tool.annotations,
        // Hidden from tools/list without these, and a step-up challenge naming them on call.
        requiredScopes: [...tool.scopes],
        requiredScopesMatch: 'all',
        handler: async (args, _context, request: { user?: Principal } | undefined) =>
          toolAnswer(
            request?.user
              ? await this.checkedCall({ api, tool, output }, args, request.user)
              : failure('refused', 401, { title: 'No authenticated caller' }),
          ),
      });
    } catch (error) {
      this.logger.warn({
        msg: 'operation not offered as a tool',
        api: api.name,
        operation: tool.operationId,
        reason: `its schemas do not compile: ${error instanceof Error ? error.message : ''}`.slice(
          0,
          300,
        ),
      });
      return false;
    }
    this.registered.set(tool.name, { api, tool, output });
    return true;
  }

  private async checkedCall(
    { api, tool, output }: Registered,
    args: Record<string, unknown>,
    caller: Principal,
  ): Promise<ToolOutcome> {
    return conforming(await this.call(api, tool, args, caller), output);
  }

  /**
   * One call: a token for this API alone (RFC 8693), never the caller's own, bound to this
   * server's DPoP key (RFC 9449).
   */
  private async call(
    api: ProtectedApi,
    tool: OperationTool,
    args: Record<string, unknown>,
    caller: Principal,
  ): Promise<ToolOutcome> {
    const scope = tool.scopes.join(' ');
    let token: string;
    try {
      token = api.auth
        ? await this.exchange.connectedTokenFor(caller, api.resource, scope)
        : await this.exchange.tokenFor(caller, api.resource, scope, api.dpop);
    } catch (error) {
      if (api.auth && error instanceof UpstreamError && error.code === 'connection_required')
        return connectRequest({ ...api, auth: api.auth }, this.config.issuer);
      return exchangeFailure(error);
    }
    let request;
    try {
      request = upstreamRequest(api, tool, args);
    } catch (error) {
      if (error instanceof CallArgumentError) return argumentFailure(error);
      throw error;
    }
    let answer;
    try {
      answer = readAnswer(await this.bound.send(request, token, api.dpop));
    } catch (error) {
      if (error instanceof ApiCallError && error.code === 'too_large') {
        return failure('bad_answer', 502, {
          title: `${api.name} answered with more than a tool result may hold`,
        });
      }
      // The path template, never the URL: its path and query carry the caller's arguments.
      this.logger.warn({
        msg: 'API unreachable',
        api: api.name,
        tool: tool.name,
        path: tool.path,
        err: error,
      });
      return failure('unavailable', 503, {
        title: `${api.name} is unreachable; try again later`,
      });
    }
    if (answer.status === 401) this.exchange.forget(caller, api.resource, scope);
    return outcomeOf(tool, answer, token);
  }
}

/**
 * What the MCP client gets. A call that needs the user to connect an account first is offered
 * as a URL-mode elicitation (./url-elicitation.ts), with this same tool error as its fallback.
 */
function toolAnswer(outcome: ToolOutcome): CallToolResult {
  const result = asCallToolResult(outcome);
  if (!outcome.ok && outcome.connect) throw new UrlElicitationOffer(outcome.connect, result);
  return result;
}

/** A document that could not be read is asked again soon; one read and refused, much later. */
function retryDelay(error: unknown): number {
  if (!(error instanceof OpenApiDocumentError)) return REFUSED_RETRY_MS;
  switch (error.code) {
    case 'unavailable':
      return RETRY_MS;
    case 'refused':
      return REFUSED_RETRY_MS;
  }
}

/**
 * MCP tools spec: with an `outputSchema`, structured results MUST conform to it. An API that
 * answers outside its own description gets a tool error rather than a result clients refuse.
 */
async function conforming(
  outcome: ToolOutcome,
  output: OutputCheck | undefined,
): Promise<ToolOutcome> {
  if (!output || !outcome.ok || !outcome.result.structuredContent) return outcome;
  const checked = await output['~standard'].validate(outcome.result.structuredContent);
  if (!checked.issues) return outcome;
  return failure('bad_answer', 502, {
    title: "The API's answer does not match its OpenAPI description",
  });
}
