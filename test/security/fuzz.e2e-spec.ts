import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeFlow, mcpClientFlow, openLoginPage } from '../support/flows';
import { json as answerJson, LoggingUpstream } from '../support/logging-upstream';
import { postMcp } from '../support/mcp';
import { PRODUCTION_ENV } from '../support/production-env';
import { startTestSystem, TestSystem } from '../support/system';
import {
  hostileForm,
  hostileJson,
  hostileOpenApiDocument,
  hostilePathValue,
  hostileString,
  Prng,
} from './hostile';

const SEED = 0x8f1d2e3c;
const REQUESTS = 240;
const CONCURRENCY = 4;
/** One request's bound: far above normal answers, far below a ReDoS stall. */
const BOUND_MS = 2000;

const OAUTH_PARAMS = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'resource',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'grant_type',
  'code',
  'code_verifier',
  'refresh_token',
  'subject_token',
  'subject_token_type',
  'audience',
  'client_secret',
  'request',
  'request_uri',
];
const FORM_FIELDS = ['username', 'password', 'action', 'csrf', 'remember'];

interface Target {
  readonly sys: TestSystem;
  readonly interactionUrl: string;
  readonly interactionCookies: string;
  /** The login page's CSRF token, so fuzzed forms get past the CSRF check to the fields. */
  readonly csrf: string;
  readonly mcpToken: string;
}

type Shot = (rng: Prng, target: Target) => { url: string; init: RequestInit };

const form = (body: URLSearchParams, cookie = ''): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  body: body.toString(),
});
const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});
const jsonText = (rng: Prng) =>
  rng.int(6) === 0 ? hostileString(rng) : JSON.stringify(hostileJson(rng));

const SHOTS: readonly Shot[] = [
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/connect/authorize?${hostileForm(rng, OAUTH_PARAMS).toString()}`,
    init: {},
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/connect/authorize`,
    init: form(hostileForm(rng, OAUTH_PARAMS)),
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/request`,
    init: form(hostileForm(rng, OAUTH_PARAMS)),
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/connect/token`,
    init: form(hostileForm(rng, OAUTH_PARAMS)),
  }),
  (rng, { sys }) => ({ url: `${sys.urls.issuer}/connect/register`, init: json(jsonText(rng)) }),
  (rng, { sys, interactionUrl, interactionCookies, csrf }) => ({
    url: `${interactionUrl}/${rng.pick(['login', 'confirm'])}`,
    init: {
      ...form(hostileForm(rng, FORM_FIELDS, rng.int(4) > 0 ? { csrf } : {}), interactionCookies),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: interactionCookies,
        origin: sys.urls.issuer,
      },
    },
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/interaction/${encodeURIComponent(Buffer.from(hostileString(rng).slice(0, 200)).toString())}/login`,
    init: form(hostileForm(rng, FORM_FIELDS)),
  }),
  (rng, { sys, mcpToken }) => ({
    url: `${sys.urls.mcp}/mcp`,
    init: json(jsonText(rng), {
      accept: 'application/json, text/event-stream',
      ...(rng.int(3) > 0 ? { authorization: `Bearer ${mcpToken}` } : {}),
    }),
  }),
];

interface Outcome {
  readonly label: string;
  readonly status: number;
  readonly ms: number;
}

async function fire(rng: Prng, target: Target, index: number): Promise<Outcome> {
  const shot = SHOTS[index % SHOTS.length]!(rng, target);
  const label = `#${index} ${shot.init.method ?? 'GET'} ${shot.url.slice(0, 80)}`;
  const started = performance.now();
  try {
    const response = await fetch(shot.url, {
      ...shot.init,
      redirect: 'manual',
      signal: AbortSignal.timeout(BOUND_MS * 3),
    });
    await response.arrayBuffer();
    return { label, status: response.status, ms: performance.now() - started };
  } catch (error) {
    // A refused or reset connection counts as a failure, like a 5xx.
    return { label: `${label} (${String(error)})`, status: 599, ms: performance.now() - started };
  }
}

/** Runs the shots with a few in flight; each shot's inputs come from the seeded generator. */
async function fuzz(target: Target, seed: number, count: number): Promise<Outcome[]> {
  const rng = new Prng(seed);
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      outcomes.push(await fire(rng, target, index));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

async function prepare(sys: TestSystem): Promise<Target> {
  const { browser, url, html } = await openLoginPage(sys);
  const tokens = await codeFlow(sys, {
    resources: [`${sys.urls.mcp}/mcp`],
    scope: 'openid weatherget',
  });
  return {
    sys,
    interactionUrl: url.replace(/\/$/, ''),
    interactionCookies: browser.jar.header(url),
    csrf: /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '',
    mcpToken: tokens.access_token,
  };
}

describe.each([
  ['development', {}, REQUESTS],
  ['production', PRODUCTION_ENV, REQUESTS / 2],
])('seeded fuzz run (%s mode)', (_mode, env, count) => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp', ...env } });
  });
  afterAll(() => sys?.close());

  it(`${count} hostile requests: no 5xx, each within ${BOUND_MS} ms, healthy after`, async () => {
    // Production has no development users: there, the form and MCP shots go without a
    // session or token, and exercise the checks in front of them.
    const target = await prepare(sys).catch(() => ({
      sys,
      interactionUrl: `${sys.urls.issuer}/interaction/none`,
      interactionCookies: '',
      csrf: '',
      mcpToken: 'x',
    }));
    const outcomes = await fuzz(target, SEED, count);
    expect(outcomes).toHaveLength(count);
    expect(outcomes.filter((o) => o.status >= 500).map((o) => `${o.status} ${o.label}`)).toEqual(
      [],
    );
    expect(
      outcomes.filter((o) => o.ms > BOUND_MS).map((o) => `${Math.round(o.ms)} ms ${o.label}`),
    ).toEqual([]);
    for (const url of [sys.urls.issuer, sys.urls.api, sys.urls.mcp]) {
      expect((await fetch(`${url}/health`)).status).toBe(200);
    }
  }, 90_000);
});

/** The operations whose paths the fuzzed arguments try to leave. */
const TEMPLATES = [
  '/items/{id}',
  '/files/{dir}/{name}.json',
  '/pair/{x}{y}',
  '/things/{id}/sub',
  '/search',
] as const;
const HOSTILE_DOCUMENTS = 4;

function fuzzDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  TEMPLATES.forEach((template, index) => {
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    paths[template] = {
      [index === 3 ? 'post' : 'get']: {
        operationId: `t${index}`,
        parameters: [
          ...names.map((name) => ({ name, in: 'path', required: true, schema: {} })),
          { name: 'q', in: 'query', schema: {} },
          { name: 'X-Trace', in: 'header', schema: {} },
        ],
        ...(index === 3 && { requestBody: { content: { 'application/json': { schema: {} } } } }),
        responses: { '200': { description: 'ok' } },
      },
    };
  });
  return {
    openapi: '3.0.3',
    info: { title: 'fuzz', version: '1' },
    security: [{ oidc: ['fuzz:read'] }],
    paths,
    components: { securitySchemes: { oidc: { type: 'openIdConnect', openIdConnectUrl: 'x' } } },
  };
}

/** Where a call of the MCP server may land: an operation's template, each value one segment. */
function insideTemplates(target: string): boolean {
  const [path = ''] = target.split('?');
  const segments = path.split('/');
  if (segments.some((s) => ['.', '..'].includes(s.toLowerCase().replaceAll('%2e', '.')))) {
    return false;
  }
  const value = '[^/?#]+';
  const literal = (text: string) => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
  const allowed = [
    ...TEMPLATES.map(
      (t) =>
        `/fuzz/v1${t
          .split(/\{\w+\}/)
          .map(literal)
          .join(value)}`,
    ),
    `/hostile\\d+/v1/op\\d+/${value}`,
  ];
  return allowed.some((pattern) => new RegExp(`^${pattern}$`).test(path));
}

describe('seeded fuzz run (OpenAPI surface)', () => {
  const upstream = new LoggingUpstream();
  let sys: TestSystem;
  let token: string;

  beforeAll(async () => {
    await upstream.start();
    const rng = new Prng(SEED);
    upstream.document('/doc/fuzz.json', fuzzDocument());
    upstream.route('/fuzz/v1/search', (request, response) =>
      answerJson(response, 400, { title: 'echo', detail: JSON.stringify(request.headers) }),
    );
    const apis = [
      {
        name: 'fuzz',
        resource: 'https://fuzz.example/api',
        scopes: ['fuzz:read'],
        openapi: `${upstream.url}/doc/fuzz.json`,
        baseUrl: `${upstream.url}/fuzz/v1`,
      },
    ];
    for (let n = 0; n < HOSTILE_DOCUMENTS; n++) {
      upstream.document(`/doc/${n}.json`, hostileOpenApiDocument(rng, `h${n}:read`));
      apis.push({
        name: `hostile${n}`,
        resource: `https://hostile${n}.example/api`,
        scopes: [`h${n}:read`],
        openapi: `${upstream.url}/doc/${n}.json`,
        baseUrl: `${upstream.url}/hostile${n}/v1`,
      });
    }
    const apisFile = join(mkdtempSync(join(tmpdir(), 'fuzz-apis-')), 'apis.json');
    writeFileSync(apisFile, JSON.stringify({ apis }));
    sys = await startTestSystem({ env: { ROLES: 'auth,mcp', APIS_FILE: apisFile } });
    token = (await mcpClientFlow(sys, ['openid', ...apis.flatMap((api) => api.scopes)].join(' ')))
      .access_token;
  });
  afterAll(async () => {
    await sys?.close();
    await upstream.stop();
  });

  async function rpc(method: string, params: unknown): Promise<Outcome & { body: unknown }> {
    const label = `${method} ${JSON.stringify(params).slice(0, 120)}`;
    const started = performance.now();
    try {
      const response = await postMcp(
        sys,
        { jsonrpc: '2.0', id: 1, method, params },
        { authorization: `Bearer ${token}` },
      );
      const body = (await response.json()) as { error?: { code: number } };
      // An internal error is a 500 in JSON-RPC clothing.
      const status = body.error?.code === -32603 ? 500 : response.status;
      return { label, status, ms: performance.now() - started, body };
    } catch (error) {
      return { label: `${label} (${String(error)})`, status: 599, ms: 0, body: undefined };
    }
  }

  it(`${REQUESTS} hostile documents and tool calls: no 5xx, each within ${BOUND_MS} ms, no request off its template`, async () => {
    const listed = await rpc('tools/list', {});
    const tools = (listed.body as { result: { tools: { name: string; inputSchema: object }[] } })
      .result.tools;
    const names = tools.map((t) => t.name);
    // The well-formed API is offered whole, whatever its neighbours' documents hold.
    expect(names).toEqual(expect.arrayContaining(TEMPLATES.map((_, i) => `fuzz-t${i}`)));
    expect(names).toEqual(expect.arrayContaining(['who-am-i', 'get-server-info']));
    expect(JSON.stringify(tools).length).toBeLessThan(2_000_000);

    const rng = new Prng(SEED);
    const outcomes: (Outcome & { body: unknown })[] = [listed];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next++;
        const tool = rng.pick(tools);
        const properties = Object.keys(
          (tool.inputSchema as { properties?: object }).properties ?? {},
        );
        const args = Object.fromEntries(properties.map((p) => [p, hostilePathValue(rng)]));
        const shot = rng.int(10);
        outcomes.push(
          shot === 0
            ? await rpc('tools/list', {})
            : shot === 1
              ? await rpc('tools/call', { name: hostileString(rng).slice(0, 64), arguments: args })
              : shot === 2
                ? await rpc('tools/call', { name: tool.name, arguments: hostileJson(rng) })
                : await rpc('tools/call', { name: tool.name, arguments: args }),
        );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(outcomes.filter((o) => o.status >= 500).map((o) => `${o.status} ${o.label}`)).toEqual(
      [],
    );
    expect(
      outcomes.filter((o) => o.ms > BOUND_MS).map((o) => `${Math.round(o.ms)} ms ${o.label}`),
    ).toEqual([]);
    // The search operation echoes its request headers in a 400: no token may come back.
    expect(outcomes.filter((o) => JSON.stringify(o.body).includes('eyJ'))).toEqual([]);
    const calls = upstream.targets().filter((t) => !t.startsWith('/doc/'));
    expect(calls.length).toBeGreaterThan(REQUESTS / 10);
    expect(calls.filter((t) => !insideTemplates(t))).toEqual([]);
    expect((await fetch(`${sys.urls.mcp}/health`)).status).toBe(200);
  }, 120_000);
});
