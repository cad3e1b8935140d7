import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the third-party authorization server said of a token the notes API was sent. */
export interface Introspected {
  readonly raw: string;
  readonly active: boolean;
  readonly iss?: string;
  readonly aud?: string | string[];
  readonly client_id?: string;
  readonly sub?: string;
  readonly scope?: string;
}

export interface IntrospectionClient {
  readonly issuer: string;
  readonly apiClient: { readonly id: string; readonly secret: string };
}

export const NOTES_SCOPE = 'notes:read';
const NOTES = [{ id: 1, text: 'Buy milk' }];

/**
 * A third-party API that knows nothing of this project: it serves its OpenAPI document, and
 * answers its one operation only for a token its own authorization server says is active, for
 * it, with its scope (RFC 7662 introspection). A token of our AuthServer is unknown there.
 */
export class NotesApi {
  readonly seen: Introspected[] = [];
  url = '';
  /** Set once the third-party authorization server runs. */
  as?: IntrospectionClient;
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req)
        .catch(() => ({ status: 503, body: { title: 'introspection failed' } }))
        .then(({ status, body }) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  /** RFC 7662 §2.1, authenticated as the API's own client at the third party. */
  async introspect(raw: string): Promise<Introspected> {
    const as = this.as!;
    const basic = Buffer.from(`${as.apiClient.id}:${as.apiClient.secret}`).toString('base64');
    const response = await fetch(`${as.issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: raw }).toString(),
    });
    if (!response.ok) throw new Error(`introspection answered ${response.status}`);
    return { raw, ...((await response.json()) as Omit<Introspected, 'raw'>) };
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (req.method === 'GET' && path === '/openapi.json') return { status: 200, body: document() };
    if (req.method !== 'GET' || path !== '/notes') return { status: 404, body: {} };
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return { status: 401, body: { title: 'no token' } };
    const seen = await this.introspect(header.slice(7));
    this.seen.push(seen);
    const audience = [seen.aud ?? []].flat();
    if (
      !seen.active ||
      !audience.includes(this.url) ||
      !(seen.scope ?? '').split(' ').includes(NOTES_SCOPE)
    )
      return { status: 401, body: { title: 'token refused' } };
    return { status: 200, body: { notes: NOTES } };
  }
}

function document() {
  return {
    openapi: '3.0.3',
    info: { title: 'Notes', version: '1.0.0' },
    components: {
      securitySchemes: {
        notesAuth: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://notes.example/authorize',
              tokenUrl: 'https://notes.example/token',
              scopes: { [NOTES_SCOPE]: 'Read your notes' },
            },
          },
        },
      },
    },
    paths: {
      '/notes': {
        get: {
          operationId: 'listNotes',
          summary: 'List your notes',
          security: [{ notesAuth: [NOTES_SCOPE] }],
          responses: {
            '200': {
              description: 'Your notes',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['notes'],
                    properties: {
                      notes: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: { id: { type: 'integer' }, text: { type: 'string' } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
