// The dev IdP's third-party API: a notes API that knows nothing of our AuthServer. It serves its
// OpenAPI document and answers GET /notes only for a token the dev IdP says is active, meant
// for it and carrying `notes:read` (RFC 7662 introspection, as its own client there). A token
// of our AuthServer is unknown to the dev IdP, so it gets 401: the MCP server can call this API
// only with the user's own dev IdP token, from a connected account. The connected-accounts e2e
// suite runs this same API against its own third-party authorization server.
import { createServer } from 'node:http';

export const NOTES_SCOPE = 'notes:read';

export const notesOf = (sub) => [
  { id: 1, text: `Welcome, ${sub}: this note came from the dev IdP's notes API` },
  { id: 2, text: 'Buy milk' },
];

/** RFC 7662 §2.1 over HTTP, as the API's own `client` at `issuer`: a party of its own. */
export async function introspectAt(issuer, client, token) {
  const basic = Buffer.from(`${client.id}:${client.secret}`).toString('base64');
  const response = await fetch(`${issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  if (!response.ok) throw new Error(`introspection answered ${response.status}`);
  return response.json();
}

/**
 * Listens on 127.0.0.1:`port` (0: any free port) as `url` (by default its loopback address);
 * `introspect(token)` answers with the RFC 7662 response of `issuer`, the authorization server
 * it trusts (a string, or a function when that server starts after this API). Resolves with
 * its `url` and `close()` once it listens.
 */
export async function startNotesApi({ port, url, issuer, introspect }) {
  const issuerOf = typeof issuer === 'function' ? issuer : () => issuer;
  const self = { url: url ?? '', issuer: issuerOf, introspect };
  const server = createServer((req, res) => {
    answer(req, self)
      .catch(() => ({ status: 503, body: { title: 'introspection failed' } }))
      .then(({ status, body, challenge }) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          // RFC 6750 §3: a Bearer challenge on every 401.
          ...(challenge ? { 'www-authenticate': challenge } : {}),
        });
        res.end(JSON.stringify(body));
      });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  self.url ||= `http://127.0.0.1:${server.address().port}`;
  return {
    url: self.url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function answer(req, { url, issuer, introspect }) {
  const path = new URL(req.url ?? '/', url).pathname;
  if (req.method === 'GET' && path === '/openapi.json')
    return { status: 200, body: document(issuer()) };
  if (req.method !== 'GET' || path !== '/notes')
    return { status: 404, body: { title: 'not found' } };
  const header = req.headers.authorization ?? '';
  if (!/^Bearer \S+$/.test(header))
    return { status: 401, body: { title: 'no token' }, challenge: 'Bearer' };
  const token = await introspect(header.slice(7));
  const audience = [token.aud ?? []].flat();
  const scopes = (token.scope ?? '').split(' ');
  if (!token.active || !audience.includes(url) || !scopes.includes(NOTES_SCOPE)) {
    return {
      status: 401,
      body: { title: 'token refused' },
      challenge: 'Bearer error="invalid_token"',
    };
  }
  return { status: 200, body: { notes: notesOf(token.sub) } };
}

function document(issuer) {
  const note = {
    type: 'object',
    required: ['id', 'text'],
    properties: { id: { type: 'integer' }, text: { type: 'string' } },
  };
  return {
    openapi: '3.0.3',
    info: { title: 'Notes (dev third-party API)', version: '1.0.0' },
    components: {
      securitySchemes: {
        devIdp: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: `${issuer}/auth`,
              tokenUrl: `${issuer}/token`,
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
          security: [{ devIdp: [NOTES_SCOPE] }],
          responses: {
            200: {
              description: 'Your notes',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['notes'],
                    properties: { notes: { type: 'array', items: note } },
                  },
                },
              },
            },
            401: { description: 'No token, or one the dev IdP does not vouch for' },
          },
        },
      },
    },
  };
}
