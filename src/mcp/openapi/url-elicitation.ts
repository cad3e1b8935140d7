import {
  CLIENT_CAPABILITIES_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  inputRequired,
  inputResponse,
  type CallToolResult,
  type ClientCapabilities,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';

/** The page the user must open, and what the client shows them before asking to open it. */
export interface UrlElicitation {
  readonly url: string;
  readonly message: string;
}

/**
 * Raised by a tool that cannot answer until the user has opened a page: carries the page and
 * the tool error to answer instead when the client cannot be asked (with the same link). A
 * ProtocolError so @rekog/mcp-nest rethrows it untouched rather than folding it into a text
 * result; `withUrlElicitation` turns it into the answer. Should it ever escape that seam, the
 * client gets a plain internal error, never a half-built elicitation.
 */
export class UrlElicitationOffer extends ProtocolError {
  constructor(
    readonly elicitation: UrlElicitation,
    readonly fallback: CallToolResult,
  ) {
    super(ProtocolErrorCode.InternalError, 'Internal error');
  }
}

/** The key of our one embedded request; the client echoes it in `inputResponses`. */
export const CONNECT_INPUT = 'connect';
/**
 * MCP 2026-07-28 ("basic/patterns/mrtr"): from this revision on, a request's client
 * capabilities travel on the request itself and a handler asks for input by returning an
 * InputRequiredResult. Revisions are dates, so they compare as strings.
 */
const FIRST_INPUT_REQUIRED_REVISION = '2026-07-28';

/** What the seam knows of one tools/call request. */
export interface CallFacts {
  /** The protocol revision this request is served on, if known. */
  readonly revision: string | undefined;
  /** The client capabilities declared on this request (2026-07-28 `_meta` envelope). */
  readonly capabilities: ClientCapabilities | undefined;
  /** The client's `inputResponses` of a retried request. */
  readonly inputResponses: Record<string, unknown> | undefined;
}

/**
 * The standard answer to a tool call that needs the user at a URL first:
 * - 2026-07-28 with `elicitation.url` declared on the request: an InputRequiredResult holding
 *   one `elicitation/create` (mode `url`); the client shows the URL, asks the user, and retries.
 *   Its retry carries our key in `inputResponses`: whatever the user chose, that retry gets a
 *   result (connected by then) or the tool error, never a second prompt in a loop.
 * - everything else: the tool error with the link. A 2025-era tools/call on this stateless
 *   endpoint carries no capabilities (they were declared in `initialize`, on another HTTP
 *   request), and MCP 2025-11-25 elicitation: "Servers MUST NOT send elicitation requests with
 *   modes that are not supported by the client"; nor is there a channel back for
 *   `elicitation/create` while the answer is one JSON body.
 */
export function answerOffer(
  offer: UrlElicitationOffer,
  facts: CallFacts,
): CallToolResult | InputRequiredResult {
  const modern = facts.revision !== undefined && facts.revision >= FIRST_INPUT_REQUIRED_REVISION;
  const asked = inputResponse(facts.inputResponses, CONNECT_INPUT).kind !== 'missing';
  if (!modern || asked || facts.capabilities?.elicitation?.url === undefined) return offer.fallback;
  return inputRequired({
    inputRequests: { [CONNECT_INPUT]: inputRequired.elicitUrl({ ...offer.elicitation }) },
  });
}

type ToolsCallHandler = (
  request: unknown,
  ctx: ServerContext,
) => Promise<CallToolResult | InputRequiredResult>;

/**
 * `McpStrategy`'s `serverMutator`: wraps the tools/call handler that @rekog/mcp-nest installs
 * on each per-request server, so a `UrlElicitationOffer` becomes the standard answer above.
 * @rekog/mcp-nest cannot return an InputRequiredResult itself (its result formatting wraps any
 * result without `content` into a text block), and the facts the answer depends on (the
 * request's capabilities and `inputResponses`) live in the SDK's request context, which it does
 * not hand to tools. The wrapper runs inside the SDK's own input-required checks.
 */
export function withUrlElicitation(server: McpServer): McpServer {
  const inner = server.server;
  const original = inner.setRequestHandler.bind(inner) as (...args: unknown[]) => void;
  const patched = (...args: unknown[]): void => {
    const [method, handler] = args;
    if (method !== 'tools/call' || args.length !== 2 || typeof handler !== 'function') {
      original(...args);
      return;
    }
    const next = handler as ToolsCallHandler;
    original(method, async (request: unknown, ctx: ServerContext) => {
      try {
        return await next(request, ctx);
      } catch (error) {
        if (!(error instanceof UrlElicitationOffer)) throw error;
        return answerOffer(error, {
          revision: inner.getNegotiatedProtocolVersion(),
          capabilities: declaredCapabilities(ctx),
          inputResponses: ctx.mcpReq.inputResponses,
        });
      }
    });
  };
  inner.setRequestHandler = patched;
  return server;
}

/** The capabilities on the request's `_meta` envelope (the SDK types the envelope as `{}`). */
function declaredCapabilities(ctx: ServerContext): ClientCapabilities | undefined {
  const envelope: Record<string, unknown> | undefined = ctx.mcpReq.envelope;
  const value = envelope?.[CLIENT_CAPABILITIES_META_KEY];
  return typeof value === 'object' && value !== null ? value : undefined;
}
