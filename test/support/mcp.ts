import { TOKEN_VERIFIER } from '../../src/bearer/bearer.tokens';
import type { Principal } from '../../src/bearer/principal';
import { TestSystem } from './system';

/** One HTTP exchange an MCP client made, for asserting the order of discovery and auth. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The challenge of a refusal, when there was one. */
  readonly wwwAuthenticate?: string;
}

/** A fetch that records what the SDK sent, to pass as the transports' `fetch` option. */
export function recordingFetch(log: RecordedRequest[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    const wwwAuthenticate = response.headers.get('www-authenticate') ?? undefined;
    log.push({
      method: request.method,
      url: request.url,
      status: response.status,
      wwwAuthenticate,
    });
    return response;
  };
}

/** The verifier's per-request step (cache hit or full check alike), reached for spying. */
interface AdmittingVerifier {
  admit(...args: unknown[]): Promise<Principal>;
}

/**
 * Watches the principals the weather API accepted, at the API itself: the API's token verifier
 * is spied on (it still runs), so each entry is one request whose token passed the API's
 * signature, issuer and audience checks (or was remembered from passing them) and its
 * revocation check.
 */
export function watchApiPrincipals(sys: TestSystem): {
  principals(): Promise<Principal[]>;
  reset(): void;
} {
  const api = sys.system.apps.get('api');
  if (!api) throw new Error('the api role is not running');
  const verifier = api.get<unknown, AdmittingVerifier>(TOKEN_VERIFIER);
  const spy = jest.spyOn(verifier, 'admit');
  return {
    principals: () => Promise.all(spy.mock.results.map((r) => r.value as Promise<Principal>)),
    reset: () => spy.mockClear(),
  };
}

export function mcpInitialize(protocolVersion = '2025-06-18') {
  return {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion,
      capabilities: {},
      clientInfo: { name: 'raw-http-test', version: '1.0.0' },
    },
  };
}

/** A JSON-RPC `tools/call` request for a tool that takes no arguments. */
export function toolCall(name: string, id = 1) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } };
}

/** POSTs one JSON-RPC message to the MCP endpoint as a 2025-era client would. */
export function postMcp(sys: TestSystem, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sys.urls.mcp}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}
