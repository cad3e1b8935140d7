import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogs } from '../support/captured-logs';
import { mcpClientFlow } from '../support/flows';
import { json, LoggingUpstream } from '../support/logging-upstream';
import { postMcp } from '../support/mcp';
import { startTestSystem, TestSystem } from '../support/system';

const SECRET = `TOP-SECRET-${randomBytes(8).toString('hex')}`;
const LEAKED_QUERY = `q-${randomBytes(8).toString('hex')}`;
/** Every answer of the MCP server, hostile documents or not, comes within this. */
const BOUND_MS = 2000;
/** Levels of `$ref`s each used twice: expanded, 2^16 copies of the leaf. */
const DEPTH = 16;

const oidc = { type: 'openIdConnect', openIdConnectUrl: 'http://127.0.0.1:1/.well-known/x' };

function openapi(
  scope: string,
  paths: Record<string, unknown>,
  schemas: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 'hostile', version: '1' },
    security: [{ oidc: [scope] }],
    paths,
    components: { securitySchemes: { oidc }, schemas },
  };
}

const get = (operationId: string, extra: Record<string, unknown> = {}) => ({
  get: { operationId, responses: { '200': { description: 'ok' } }, ...extra },
});
const pathParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
});
const header = (name: string) => ({ name, in: 'header', schema: { type: 'string' } });

/** L0 → L1 twice → L2 twice … → a string: small as `$defs`, 2^DEPTH leaves as a tree. */
function sharedLevels(): Record<string, unknown> {
  const levels: Record<string, unknown> = { [`L${DEPTH}`]: { type: 'string' } };
  for (let i = 0; i < DEPTH; i++) {
    const next = { $ref: `#/components/schemas/L${i + 1}` };
    levels[`L${i}`] = { type: 'object', properties: { a: next, b: next } };
  }
  return levels;
}

/** One shared 100 KB schema used by 60 operations: a small document, a 6 MB tool list. */
function amplifying(): Record<string, unknown> {
  const big = { type: 'string', enum: Array.from({ length: 5000 }, (_, i) => `value-${i}-xxxxxx`) };
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 60; i++) {
    paths[`/op${i}`] = get(`op${i}`, {
      parameters: [{ name: 'v', in: 'query', schema: { $ref: '#/components/schemas/Big' } }],
    });
  }
  return openapi('huge:read', paths, { Big: big });
}

interface RpcAnswer {
  readonly status: number;
  readonly ms: number;
  readonly result?: {
    tools?: { name: string; inputSchema: Record<string, unknown> }[];
    isError?: boolean;
    content?: { text: string }[];
  };
  readonly error?: { code: number; message: string };
}

describe('the OpenAPI surface: hostile documents, upstreams and tool arguments', () => {
  const upstream = new LoggingUpstream();
  const logs = captureLogs('debug');
  let sys: TestSystem;
  let token: string;
  let written = 0;

  beforeAll(async () => {
    await upstream.start();
    const dir = mkdtempSync(join(tmpdir(), 'openapi-surface-'));
    const secretFile = join(dir, 'secret.yaml');
    writeFileSync(secretFile, `type: string\ndescription: ${SECRET}\n`);
    writeFileSync(
      join(dir, 'local.json'),
      JSON.stringify(
        openapi('local:read', {
          '/fine': get('fine'),
          '/remote': get('remote', {
            parameters: [
              { name: 'r', in: 'query', schema: { $ref: `${upstream.url}/component.json#/Q` } },
            ],
          }),
          '/neighbour': get('neighbour', {
            parameters: [{ name: 'n', in: 'query', schema: { $ref: './secret.yaml' } }],
          }),
        }),
      ),
    );
    upstream
      .document(
        '/hostile/openapi.json',
        openapi(
          'hostile:read',
          {
            '/pets/{id}': get('getPet', { parameters: [pathParam('id')] }),
            '{tenant}/items': get('listItems', { parameters: [pathParam('tenant')] }),
            '/open': get('openToAll', { security: [{ oidc: [] }] }),
            '/broken': get('broken', {
              parameters: [
                { name: 'b', in: 'query', schema: { $ref: '#/components/schemas/Missing' } },
              ],
            }),
            '/external': get('external', {
              parameters: [
                { name: 'e', in: 'query', schema: { $ref: `${upstream.url}/component.json#/Q` } },
              ],
            }),
            '/deep': {
              post: {
                operationId: 'deep',
                requestBody: {
                  required: true,
                  content: {
                    'application/json': { schema: { $ref: '#/components/schemas/L0' } },
                  },
                },
                responses: { '200': { description: 'ok' } },
              },
            },
            '/echo': get('echo'),
            '/search': get('search', {
              parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }],
            }),
            '/headers': get('sendHeaders', {
              parameters: [
                header('Proxy-Authorization'),
                header('X-Forwarded-For'),
                header('Forwarded'),
                header('Connection'),
                header('X-Trace'),
              ],
            }),
          },
          sharedLevels(),
        ),
      )
      .document('/component.json', {
        Q: { type: 'object', properties: { leak: { $ref: `file://${secretFile}` } } },
      })
      .route('/redirect/openapi.json', (_request, response) =>
        response.writeHead(302, { location: `${upstream.url}/moved/openapi.json` }).end(),
      )
      .document('/moved/openapi.json', openapi('moved:read', { '/m': get('moved') }))
      .route('/endless/openapi.json', (_request, response) => {
        // No Content-Length: only a cap while reading stops this (64 MB keeps a broken reader alive).
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"openapi":"3.0.3","x":"');
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const write = () => {
          while (!response.destroyed && written < 64 * 1024 * 1024 && response.write(chunk))
            written += chunk.length;
          if (written >= 64 * 1024 * 1024) response.end('"}');
        };
        response.on('drain', write);
        write();
      })
      .document('/huge/openapi.json', amplifying())
      .route('/api/v1/echo', (request, response) =>
        json(response, 400, {
          title: 'Bad request',
          detail: `you sent ${JSON.stringify(request.headers)}`,
          headers: request.headers,
        }),
      )
      .route('/api/v1/search', (request) => request.socket.destroy());

    const apis = [
      ['hostile', 'hostile:read', `${upstream.url}/hostile/openapi.json`, '/api/v1'],
      ['local', 'local:read', join(dir, 'local.json'), '/local'],
      ['redirected', 'moved:read', `${upstream.url}/redirect/openapi.json`, '/moved'],
      ['endless', 'endless:read', `${upstream.url}/endless/openapi.json`, '/endless'],
      ['huge', 'huge:read', `${upstream.url}/huge/openapi.json`, '/huge'],
    ].map(([name, scope, document, base]) => ({
      name,
      resource: `https://${name}.example/api`,
      scopes: [scope],
      openapi: document,
      baseUrl: `${upstream.url}${base}`,
    }));
    const apisFile = join(dir, 'apis.json');
    writeFileSync(apisFile, JSON.stringify({ apis }));
    sys = await startTestSystem({
      env: { ROLES: 'auth,mcp', APIS_FILE: apisFile },
      logger: logs.logger,
    });
    token = (
      await mcpClientFlow(sys, 'openid hostile:read local:read moved:read endless:read huge:read')
    ).access_token;
  });
  afterAll(async () => {
    await sys?.close();
    await upstream.stop();
  });

  async function rpc(method: string, params: Record<string, unknown> = {}): Promise<RpcAnswer> {
    const started = performance.now();
    const response = await postMcp(
      sys,
      { jsonrpc: '2.0', id: 1, method, params },
      { authorization: `Bearer ${token}` },
    );
    const body = (await response.json()) as Omit<RpcAnswer, 'status' | 'ms'>;
    return { ...body, status: response.status, ms: performance.now() - started };
  }

  const call = (name: string, args: Record<string, unknown>) =>
    rpc('tools/call', { name, arguments: args });
  const textOf = (answer: RpcAnswer) => answer.result?.content?.[0]?.text ?? '';

  async function listed(): Promise<Map<string, Record<string, unknown>>> {
    const answer = await rpc('tools/list');
    expect(answer.error).toBeUndefined();
    expect(answer.ms).toBeLessThan(BOUND_MS);
    return new Map((answer.result?.tools ?? []).map((t) => [t.name, t.inputSchema]));
  }

  it('lists the good tools, built-in ones too, when other operations of a document are broken', async () => {
    const tools = await listed();
    expect([...tools.keys()]).toEqual(
      expect.arrayContaining(['who-am-i', 'get-server-info', 'hostile-getPet', 'local-fine']),
    );
    expect(tools.has('hostile-broken')).toBe(false);
    expect(tools.has('hostile-external')).toBe(false);
  });

  it('follows no external $ref: no remote component, no neighbouring file, no secrets', async () => {
    const tools = await listed();
    expect(JSON.stringify([...tools.values()])).not.toContain(SECRET);
    expect(tools.has('local-remote')).toBe(false);
    expect(tools.has('local-neighbour')).toBe(false);
    expect(upstream.targets('/component.json')).toEqual([]);
  });

  it('keeps shared schemas as $defs: a small input schema, not a tree of 2^16 leaves', async () => {
    const deep = (await listed()).get('hostile-deep');
    expect(deep).toBeDefined();
    expect(JSON.stringify(deep).length).toBeLessThan(20_000);
    expect(deep).toMatchObject({
      properties: { body: { $ref: '#/$defs/L0' } },
      $defs: { L0: { properties: { a: { $ref: '#/$defs/L1' } } } },
    });
    const nested = (n: number): unknown => (n === DEPTH ? 'x' : { a: nested(n + 1), b: 'x' });
    const wrong = await call('hostile-deep', { body: nested(DEPTH - 2) });
    expect(wrong.result?.isError).toBe(true);
    expect(textOf(wrong)).toMatch(/Invalid parameters/);
  });

  it('refuses a document whose schemas would exceed the cap, for that API alone', async () => {
    const tools = await listed();
    expect([...tools.keys()].filter((name) => name.startsWith('huge-'))).toEqual([]);
    expect(tools.has('hostile-getPet')).toBe(true);
    expect(logs.text()).toMatch(/"api":"huge".*(too large|cap)/);
  });

  it('offers no operation whose security requirement names no scope', async () => {
    expect((await listed()).has('hostile-openToAll')).toBe(false);
  });

  it('reads a document without Content-Length only up to the cap and follows no redirect', async () => {
    const tools = await listed();
    expect([...tools.keys()].filter((name) => /^(redirected|endless)-/.test(name))).toEqual([]);
    expect(upstream.targets('/moved/')).toEqual([]);
    expect(written).toBeLessThan(12 * 1024 * 1024);
  });

  it('refuses dot segments in path parameters, encoded or not, and sends nothing', async () => {
    const before = upstream.requests.length;
    for (const id of ['.', '..', '%2e%2e', '%2E.', '.%2e']) {
      const answer = await call('hostile-getPet', { id });
      expect(answer.result?.isError).toBe(true);
      expect(JSON.parse(textOf(answer))).toMatchObject({
        status: 400,
        error: 'dot_segment',
        detail: 'path parameter "id" may not be "." or ".."',
      });
    }
    expect(upstream.requests.slice(before)).toEqual([]);
    const fine = await call('hostile-getPet', { id: 'a/b?c#d' });
    expect(fine.result?.isError).toBeFalsy();
    expect(upstream.targets('/api/v1/').at(-1)).toBe('/api/v1/pets/a%2Fb%3Fc%23d');
  });

  it('offers no operation whose path does not start with /', async () => {
    expect((await listed()).has('hostile-listItems')).toBe(false);
    expect(upstream.targets('/api/v11')).toEqual([]);
  });

  it('answers a non-2xx with the status and short problem fields, never echoed credentials', async () => {
    const answer = await call('hostile-echo', {});
    expect(answer.result?.isError).toBe(true);
    const text = textOf(answer);
    const problem = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(problem).sort()).toEqual(['detail', 'status', 'title']);
    expect(problem).toMatchObject({ status: 400, title: 'Bad request' });
    expect(text).not.toMatch(/Bearer|eyJ/);
  });

  it('never forwards hop-by-hop or security-sensitive headers a document declares', async () => {
    const schema = (await listed()).get('hostile-sendHeaders');
    expect(Object.keys(schema?.properties ?? {})).toEqual(['X-Trace']);
    await call('hostile-sendHeaders', {
      'Proxy-Authorization': 'Basic c2VjcmV0',
      'X-Forwarded-For': '10.0.0.1',
      Forwarded: 'for=10.0.0.1',
      Connection: 'close',
      'X-Trace': 't-1',
    });
    const sent = upstream.requests.filter((r) => r.target === '/api/v1/headers').at(-1);
    expect(sent?.headers).toMatchObject({ 'x-trace': 't-1' });
    expect(sent?.headers).not.toHaveProperty('proxy-authorization');
    expect(sent?.headers).not.toHaveProperty('x-forwarded-for');
    expect(sent?.headers).not.toHaveProperty('forwarded');
  });

  it('logs an unreachable API by path, never with the query string', async () => {
    const answer = await call('hostile-search', { q: LEAKED_QUERY });
    expect(answer.result?.isError).toBe(true);
    expect(logs.text()).toMatch(/API unreachable/);
    expect(logs.text()).not.toContain(LEAKED_QUERY);
  });
});
