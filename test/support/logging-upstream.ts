import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** One request the upstream received, as it arrived on the wire. */
export interface UpstreamRequest {
  readonly method: string;
  /** The request target exactly as sent (path and query, nothing normalized). */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
}

export type Responder = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * An upstream that trusts nothing and records everything: it serves the OpenAPI documents and
 * answers the operations a test gives it, and keeps every request target it saw, so a test can
 * prove that no call of the MCP server landed outside an operation's path template. Anything
 * it was not told about gets `200 {"ok":true}`.
 */
export class LoggingUpstream {
  readonly requests: UpstreamRequest[] = [];
  url = '';
  private readonly routes = new Map<string, Responder>();
  private server?: Server;

  /** Answers `pathname` (any method, any query) with `responder`. */
  route(pathname: string, responder: Responder): this {
    this.routes.set(pathname, responder);
    return this;
  }

  /** Serves `document` as JSON at `pathname`. */
  document(pathname: string, document: unknown): this {
    return this.route(pathname, (_request, response) => json(response, 200, document));
  }

  /** The request targets received under `prefix` (documents excluded by choosing the prefix). */
  targets(prefix = '/'): string[] {
    return this.requests.map((r) => r.target).filter((t) => t.startsWith(prefix));
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests.push({
        method: request.method ?? '',
        target: request.url ?? '',
        headers: request.headers,
      });
      const pathname = (request.url ?? '/').split('?')[0] ?? '/';
      const responder = this.routes.get(pathname);
      if (responder) responder(request, response);
      else json(response, 200, { ok: true });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
