/** mulberry32: a tiny seeded PRNG, so a failing fuzz run can be replayed from its seed. */
export class Prng {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const UNICODE = [
  '\u0000',
  '\u202e',
  '\u200b',
  '\ud800',
  '\udfff',
  '😀',
  'Ω',
  '\u0301',
  'ﬁ',
  '\ufeff',
  '\r\n',
];

/** One hostile string: huge, slash runs, unicode junk, encodings, or near-valid values. */
export function hostileString(rng: Prng): string {
  switch (rng.int(10)) {
    case 0:
      return 'A'.repeat(1 + rng.int(12_000));
    case 1:
      return `http://a/${'/'.repeat(rng.int(55_000))}${rng.pick(['x', '', '?', '#'])}`;
    case 2:
      return Array.from({ length: 1 + rng.int(200) }, () => rng.pick(UNICODE)).join('');
    case 3:
      return '%'.repeat(rng.int(50)) + '%zz%00%ff%';
    case 4:
      return rng.pick(['', ' ', 'null', 'undefined', '[]', '{}', 'true', '-1', '1e309', 'NaN']);
    case 5:
      return rng.pick([
        'http://localhost:5000',
        'https://evil.example/cb',
        'javascript:alert(1)',
        'openid profile weatherget offline_access',
        'code',
        'S256',
        'authorization_code',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:token-exchange',
      ]);
    case 6:
      return 'a '.repeat(rng.int(5000));
    case 7:
      return '<script>alert(1)</script>"\'&'.repeat(1 + rng.int(50));
    case 8:
      return `${'\\'.repeat(rng.int(3000))}x`;
    default:
      return String(rng.next()).repeat(1 + rng.int(20));
  }
}

/** A JSON value of a random, often wrong, type: deep nesting, long arrays, huge strings. */
export function hostileJson(rng: Prng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 4 : 8)) {
    case 0:
      return hostileString(rng);
    case 1:
      return rng.pick([null, true, false, 0, -1, 1e308, Number.MAX_SAFE_INTEGER]);
    case 2: {
      let nested: unknown = 'x';
      for (let i = rng.int(2000); i > 0; i--) nested = [nested];
      return nested;
    }
    case 3:
      return Array.from({ length: rng.int(3000) }, () => 'x');
    default:
      return Object.fromEntries(
        Array.from({ length: 1 + rng.int(5) }, () => [
          rng.pick([
            'client_name',
            'redirect_uris',
            'grant_types',
            'scope',
            'jsonrpc',
            'method',
            'params',
            'id',
            hostileString(rng).slice(0, 30),
          ]),
          hostileJson(rng, depth + 1),
        ]),
      );
  }
}

/** Form parameters: known names and junk, values hostile, names sometimes repeated. */
export function hostileForm(
  rng: Prng,
  names: readonly string[],
  valid: Record<string, string> = {},
): URLSearchParams {
  const params = new URLSearchParams(valid);
  for (let i = 1 + rng.int(8); i > 0; i--) {
    const name = rng.int(5) === 0 ? hostileString(rng).slice(0, 50) : rng.pick(names);
    params.append(name, hostileString(rng));
    if (rng.int(4) === 0) params.append(name, hostileString(rng));
  }
  return params;
}

/** Path parameter values that try to leave their segment: dots, encodings, URLs, CRLF, sizes. */
export function hostilePathValue(rng: Prng): unknown {
  switch (rng.int(4)) {
    case 0:
      return rng.pick([
        '.',
        '..',
        '%2e',
        '%2E%2e',
        '.%2e',
        '%252e%252e',
        '..%2f..%2fadmin',
        '../../admin',
        '/',
        '//evil.example/x',
        'http://evil.example/x',
        '\\..\\..\\admin',
        '?x=1',
        '#frag',
        'a\r\nX-Injected: 1',
        '\u0000',
        '',
        ' ',
        '\ud800',
        '%',
        '%zz',
      ]);
    case 1:
      return hostileString(rng);
    case 2:
      return hostileJson(rng);
    default:
      return `${'../'.repeat(rng.int(20))}${rng.pick(['x', '.', '..', '%2e'])}`;
  }
}

/** Odd OpenAPI paths: relative, dot segments, shared expressions, URL syntax, sizes. */
const ODD_PATHS = [
  'items/{id}',
  '{id}/items',
  '/a/../{id}',
  '/a/%2e%2e/{id}',
  '/{id}{id}',
  '/q?x={id}',
  '/f#{id}',
  '/sp ace/{id}',
  '/{id',
  '/}{id}',
  '//{id}',
  '/\\{id}',
  '/é/{id}',
];

/**
 * A hostile OpenAPI document: deep shared `$ref` levels, `$ref` cycles, missing and external
 * references (http and file), schemas nested past any sane depth, huge enums, odd paths,
 * forbidden header parameters, scope-less requirements, regular expressions that backtrack.
 */
export function hostileOpenApiDocument(rng: Prng, scope: string): Record<string, unknown> {
  const depth = 5 + rng.int(25);
  const schemas: Record<string, unknown> = {
    [`L${depth}`]: { type: 'string', pattern: '^(a+)+$' },
    Loop: { allOf: [{ $ref: '#/components/schemas/Loop2' }] },
    Loop2: { $ref: '#/components/schemas/Loop' },
    Big: { type: 'string', enum: Array.from({ length: rng.int(4000) }, (_, i) => `v${i}`) },
  };
  for (let i = 0; i < depth; i++) {
    const next = { $ref: `#/components/schemas/L${i + 1}` };
    schemas[`L${i}`] = { type: 'object', properties: { a: next, b: next }, required: ['a'] };
  }
  // Past the depth cap in one document of four: that document is refused as a whole.
  let nested: unknown = { type: 'string' };
  for (let i = rng.pick([3, 10, 20, 200]); i > 0; i--) nested = { type: 'array', items: nested };
  const refs = [
    '#/components/schemas/L0',
    '#/components/schemas/Loop',
    '#/components/schemas/Big',
    '#/components/schemas/Missing',
    '#/__proto__',
    'file:///etc/passwd',
    'http://127.0.0.1:1/remote.json#/x',
    './neighbour.yaml',
  ];
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 3 + rng.int(8); i++) {
    const odd = rng.int(3) === 0;
    const path = odd ? rng.pick(ODD_PATHS) : `/op${i}/{id}`;
    paths[path] = {
      [rng.pick(['get', 'post', 'delete'])]: {
        operationId: rng.int(8) === 0 ? hostileString(rng).slice(0, 80) : `op${i}`,
        security: rng.pick([[{ oidc: [scope] }], [{ oidc: [] }], [{ key: [] }], 'nonsense']),
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'q', in: 'query', schema: rng.pick([nested, { $ref: rng.pick(refs) }]) },
          {
            name: rng.pick(['X-Forwarded-For', 'Proxy-Authorization', 'Host', 'X-Trace']),
            in: 'header',
            schema: { type: 'string' },
          },
          ...(rng.int(4) === 0
            ? [
                { name: 'id', in: 'query' },
                { name: 'x', in: 'nowhere' },
              ]
            : []),
        ],
        requestBody: { content: { 'application/json': { schema: { $ref: rng.pick(refs) } } } },
        responses: { '200': { description: 'ok' } },
      },
    };
  }
  return {
    openapi: rng.pick(['3.0.3', '3.1.0']),
    info: { title: 'hostile', version: '1' },
    paths,
    components: {
      schemas,
      securitySchemes: {
        oidc: { type: 'openIdConnect', openIdConnectUrl: 'http://127.0.0.1:1/x' },
        key: { type: 'apiKey', name: 'k', in: 'header' },
      },
    },
  };
}
