import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** A token the Petstore accepted, as it saw it. */
export interface SeenToken {
  readonly raw: string;
  readonly claims: JWTPayload & { scope?: string; act?: { sub?: string } };
}

const WRITE_READ = ['write:pets', 'read:pets'];

/**
 * A small Petstore that knows nothing of this project but the AuthServer's keys: it verifies
 * every token itself (issuer, audience = its resource, the operation's scopes as its OpenAPI
 * document names them, `act.sub` = the MCP server) and answers two operations.
 */
export class PetstoreServer {
  readonly seen: SeenToken[] = [];
  readonly pets: Record<string, unknown>[] = [
    { id: 1, name: 'doggie', photoUrls: [], status: 'available' },
    // Breaks the document's Pet schema (no name, no photoUrls): an API answering off-spec.
    { id: 9, status: 'sold' },
  ];
  issuer = '';
  private server?: Server;
  url = '';

  constructor(
    readonly resource: () => string,
    private readonly actor: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) =>
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(body === undefined ? '' : JSON.stringify(body)),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const denied = await this.verify(req.headers.authorization);
    if (denied) return denied;
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/pet/findByStatus') {
      const wanted = url.searchParams.getAll('status');
      return { status: 200, body: this.pets.filter((p) => wanted.includes(String(p.status))) };
    }
    if (req.method === 'POST' && url.pathname === '/pet') {
      let raw = '';
      for await (const chunk of req) raw += String(chunk);
      this.pets.push(JSON.parse(raw) as Record<string, unknown>);
      return { status: 200, body: { ok: true } };
    }
    return { status: 404, body: { title: 'Not found' } };
  }

  private async verify(header: string | undefined): Promise<{ status: number } | undefined> {
    const raw = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!raw) return { status: 401 };
    try {
      const keys = createRemoteJWKSet(
        new URL(`${this.issuer}/.well-known/openid-configuration/jwks`),
      );
      const { payload } = await jwtVerify(raw, keys, {
        issuer: this.issuer,
        audience: this.resource(),
        typ: 'at+jwt',
      });
      const claims = payload as SeenToken['claims'];
      this.seen.push({ raw, claims });
      const scopes = (claims.scope ?? '').split(' ');
      if (claims.act?.sub !== this.actor) return { status: 403 };
      if (!WRITE_READ.every((s) => scopes.includes(s))) return { status: 403 };
      return undefined;
    } catch {
      return { status: 401 };
    }
  }
}
