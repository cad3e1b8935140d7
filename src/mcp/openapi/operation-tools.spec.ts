import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import type { ProtectedApi } from '../../config/config';
import { apiTools } from './operation-tools';
import { upstreamRequest } from './operation-call';

const FIXTURE = join(__dirname, '../../../test/fixtures/petstore/openapi.json');

const petstore: ProtectedApi = {
  name: 'petstore',
  title: 'petstore',
  scopeTexts: {},
  resource: 'https://petstore.example/api',
  scopes: ['read:pets', 'write:pets'],
  openapi: FIXTURE,
  baseUrl: 'http://127.0.0.1:9000/v3',
  tokenTtlSeconds: undefined,
  include: undefined,
  dpop: false,
  exclude: ['updatePetWithForm'],
};

describe('tools from the Swagger Petstore document', () => {
  let document: OpenAPIV3.Document;
  beforeAll(async () => {
    const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as OpenAPIV3.Document;
    document = (await SwaggerParser.parse(raw)) as OpenAPIV3.Document;
  });

  it('offers the OAuth2-secured operations, named by operationId and prefixed', () => {
    const { tools, skipped } = apiTools(petstore, document, 'petstore');
    expect(tools.map((t) => t.name).sort()).toEqual([
      'petstore-addPet',
      'petstore-deletePet',
      'petstore-findPetsByStatus',
      'petstore-findPetsByTags',
      'petstore-updatePet',
      'petstore-uploadFile',
    ]);
    // API keys and unsecured operations cannot be met with an exchanged token.
    expect(skipped.map((s) => s.operation)).toEqual(
      expect.arrayContaining(['getPetById', 'getInventory', 'placeOrder', 'loginUser']),
    );
    expect(skipped.map((s) => s.operation)).not.toContain('updatePetWithForm');
  });

  it('takes scopes from the security requirement, annotations from the method', () => {
    const { tools } = apiTools(petstore, document, undefined);
    const find = tools.find((t) => t.name === 'findPetsByStatus')!;
    expect(find.scopes).toEqual(['write:pets', 'read:pets']);
    expect(find.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tools.find((t) => t.name === 'deletePet')!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
  });

  it('builds input from parameters and the JSON body, output from the JSON 2xx response', () => {
    const { tools } = apiTools(petstore, document, undefined);
    const find = tools.find((t) => t.name === 'findPetsByStatus')!;
    expect(find.inputSchema).toMatchObject({
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'array', items: { enum: ['available', 'pending', 'sold'] } } },
    });
    // The array answer is wrapped: MCP output schemas describe objects.
    expect(find.output?.wrapKey).toBe('result');
    // Shared schemas stay shared: `$defs` entries named after the component, not copies.
    expect(find.output?.schema).toMatchObject({
      properties: { result: { type: 'array', items: { $ref: '#/$defs/Pet' } } },
      $defs: {
        Pet: {
          required: ['name', 'photoUrls'],
          properties: { category: { $ref: '#/$defs/Category' } },
        },
        Category: { type: 'object' },
        Tag: { type: 'object' },
      },
    });
    // OpenAPI-only keywords (xml, example) are gone.
    expect(JSON.stringify(find.output?.schema)).not.toMatch(/"xml"|"example"/);
    const add = tools.find((t) => t.name === 'addPet')!;
    expect(add.inputSchema).toMatchObject({
      required: ['body'],
      properties: { body: { $ref: '#/$defs/Pet' } },
      $defs: { Pet: { required: ['name', 'photoUrls'] } },
    });
    expect(add.output).toBeUndefined();
  });

  it('only offers what include names and needs only declared scopes', () => {
    const readOnly = { ...petstore, scopes: ['read:pets'], include: ['findPetsByStatus'] };
    const { tools, skipped } = apiTools(readOnly, document, undefined);
    expect(tools).toEqual([]);
    expect(skipped).toEqual([
      {
        operation: 'findPetsByStatus',
        reason: 'needs scopes the APIs configuration does not declare: write:pets',
      },
    ]);
  });

  it('fills the path, repeats array query values and never lets arguments set the token', () => {
    const { tools } = apiTools(petstore, document, undefined);
    const del = tools.find((t) => t.name === 'deletePet')!;
    const request = upstreamRequest(petstore, del, { petId: '1/../2', api_key: 'k' });
    expect(request.url).toBe('http://127.0.0.1:9000/v3/pet/1%2F..%2F2');
    expect(request.headers).toMatchObject({ api_key: 'k' });
    expect(request.headers).not.toHaveProperty('authorization');
    const find = tools.find((t) => t.name === 'findPetsByStatus')!;
    expect(upstreamRequest(petstore, find, { status: ['sold', 'pending'] }).url).toBe(
      'http://127.0.0.1:9000/v3/pet/findByStatus?status=sold&status=pending',
    );
  });
});

/** A one-API document secured by OpenID Connect, with the given paths and schemas. */
function hostile(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}) {
  return {
    openapi: '3.0.3',
    info: { title: 'hostile', version: '1' },
    security: [{ oidc: ['read'] }],
    paths,
    components: {
      schemas,
      securitySchemes: { oidc: { type: 'openIdConnect', openIdConnectUrl: 'http://x/' } },
    },
  } as unknown as OpenAPIV3.Document;
}
const api: ProtectedApi = { ...petstore, scopes: ['read'], include: undefined, exclude: [] };
const op = (operationId: string, extra: Record<string, unknown> = {}) => ({
  get: { operationId, responses: { '200': { description: 'ok' } }, ...extra },
});
const query = (name: string, schema: unknown) => ({ name, in: 'query', schema });

describe('tools from hostile documents', () => {
  it('refuses only the operations whose $refs lead nowhere or outside the document', () => {
    const { tools, skipped } = apiTools(
      api,
      hostile({
        '/good': op('good'),
        '/missing': op('missing', {
          parameters: [query('q', { $ref: '#/components/schemas/Nope' })],
        }),
        '/file': op('file', { parameters: [query('q', { $ref: 'file:///etc/passwd' })] }),
        '/remote': op('remote', { parameters: [{ $ref: 'https://evil.example/p.json' }] }),
        '/proto': op('proto', { parameters: [query('q', { $ref: '#/__proto__' })] }),
      }),
      undefined,
    );
    expect(tools.map((t) => t.name)).toEqual(['good']);
    expect(Object.fromEntries(skipped.map((s) => [s.operation, s.reason]))).toEqual({
      missing: '$ref "#/components/schemas/Nope" points to nothing',
      file: '$ref "file:///etc/passwd" points outside the document',
      remote: '$ref "https://evil.example/p.json" points outside the document',
      proto: '$ref "#/__proto__" points to nothing',
    });
  });

  it('keeps shared schemas as $defs, so 20 levels of shared $refs stay small', () => {
    const schemas: Record<string, unknown> = { L20: { type: 'string' } };
    for (let i = 0; i < 20; i++) {
      const next = { $ref: `#/components/schemas/L${i + 1}` };
      schemas[`L${i}`] = { type: 'object', properties: { a: next, b: next } };
    }
    const started = performance.now();
    const { tools } = apiTools(
      api,
      hostile(
        { '/deep': op('deep', { parameters: [query('q', { $ref: '#/components/schemas/L0' })] }) },
        schemas,
      ),
      undefined,
    );
    expect(performance.now() - started).toBeLessThan(100);
    const schema = tools[0]!.inputSchema;
    expect(JSON.stringify(schema).length).toBeLessThan(5000);
    expect(Object.keys(schema.$defs as object)).toHaveLength(21);
    expect(schema).toMatchObject({
      properties: { q: { $ref: '#/$defs/L0' } },
      $defs: { L19: { properties: { a: { $ref: '#/$defs/L20' } } }, L20: { type: 'string' } },
    });
  });

  it('refuses the whole document once its tool schemas would pass the cap', () => {
    const big = {
      type: 'string',
      enum: Array.from({ length: 5000 }, (_, i) => `value-${i}-xxxxxx`),
    };
    const paths = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        `/op${i}`,
        op(`op${i}`, { parameters: [query('v', { $ref: '#/components/schemas/Big' })] }),
      ]),
    );
    const started = performance.now();
    expect(() => apiTools(api, hostile(paths, { Big: big }), undefined)).toThrow(
      expect.objectContaining({ name: 'OpenApiDocumentError', code: 'refused' }) as Error,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses one operation whose schemas alone would pass the cap of one tool', () => {
    const huge = { type: 'string', enum: Array.from({ length: 20_000 }, (_, i) => `value-${i}`) };
    const { tools, skipped } = apiTools(
      api,
      hostile({ '/huge': op('huge', { parameters: [query('v', huge)] }), '/small': op('small') }),
      undefined,
    );
    expect(tools.map((t) => t.name)).toEqual(['small']);
    expect(skipped[0]?.reason).toMatch(/cap of one tool/);
  });

  it('refuses schemas nested past the depth cap', () => {
    let nested: unknown = { type: 'string' };
    for (let i = 0; i < 100; i++) nested = { type: 'array', items: nested };
    expect(() =>
      apiTools(api, hostile({ '/n': op('n', { parameters: [query('q', nested)] }) }), undefined),
    ).toThrow(/deeper than the cap/);
  });

  it('offers no operation whose requirement names no scope, but takes a later one that does', () => {
    const { tools, skipped } = apiTools(
      api,
      hostile({
        '/open': op('open', { security: [{ oidc: [] }] }),
        '/either': op('either', { security: [{ oidc: [] }, { oidc: ['read'] }] }),
      }),
      undefined,
    );
    expect(tools.map((t) => [t.name, t.scopes])).toEqual([['either', ['read']]]);
    expect(skipped).toEqual([
      { operation: 'open', reason: 'its OAuth2/OpenID Connect requirement names no scope' },
    ]);
  });

  it('refuses paths that do not start with /, dot segments, and unmatched {names}', () => {
    const path = (name: string) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    });
    const { tools, skipped } = apiTools(
      api,
      hostile({
        '{tenant}/items': op('relative', { parameters: [path('tenant')] }),
        '/a/../admin': op('dots', {}),
        '/a/%2e%2E/admin': op('encodedDots', {}),
        '/a/{id}': op('undeclared', {}),
        '/b': op('extra', { parameters: [path('id')] }),
        '/c/{id}': op('fine', { parameters: [path('id')] }),
      }),
      undefined,
    );
    expect(tools.map((t) => t.name)).toEqual(['fine']);
    expect(skipped.map((s) => s.operation)).toEqual([
      'relative',
      'dots',
      'encodedDots',
      'undeclared',
      'extra',
    ]);
  });

  it('never takes hop-by-hop or credential headers as input', () => {
    const header = (name: string) => ({ name, in: 'header', schema: { type: 'string' } });
    const names = ['Authorization', 'Proxy-Authorization', 'Cookie', 'Host', 'Connection'];
    const more = ['X-Forwarded-For', 'Forwarded', 'X-HTTP-Method-Override', 'Bad Name', 'X-Trace'];
    const { tools } = apiTools(
      api,
      hostile({ '/h': op('h', { parameters: [...names, ...more].map(header) }) }),
      undefined,
    );
    expect(Object.keys(tools[0]!.inputSchema.properties as object)).toEqual(['X-Trace']);
  });

  it('keeps only JSON Schema the validator compiles, without document-written regexes', () => {
    const { tools } = apiTools(
      api,
      hostile({
        '/s': op('s', {
          parameters: [
            query('p', {
              type: 'string',
              pattern: '^(a+)+$',
              'x-secret': 1,
              xml: {},
              example: 'e',
            }),
            query('n', { type: 'integer', minimum: 1, exclusiveMinimum: true, nullable: true }),
            query('t', { type: 'strange', format: 'regex', minLength: -1, maxLength: 'x' }),
            query('o', {
              type: 'object',
              patternProperties: { '^x': {} },
              additionalProperties: false,
            }),
            query('__proto__', {
              $id: 'http://evil/',
              $schema: 'http://json-schema.org/draft-04/schema',
            }),
          ],
        }),
      }),
      undefined,
    );
    const properties = tools[0]!.inputSchema.properties as Record<string, unknown>;
    expect(properties.p).toEqual({ type: 'string' });
    expect(properties.n).toEqual({ type: ['integer', 'null'], exclusiveMinimum: 1 });
    expect(properties.t).toEqual({});
    expect(properties.o).toEqual({ type: 'object' });
    expect(Object.hasOwn(properties, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
  });

  it('refuses $ref cycles that never reach data, and keeps recursive data models', () => {
    const { tools, skipped } = apiTools(
      api,
      hostile(
        {
          '/loop': op('loop', { parameters: [query('q', { $ref: '#/components/schemas/A' })] }),
          '/tree': op('tree', { parameters: [query('q', { $ref: '#/components/schemas/Node' })] }),
        },
        {
          A: { allOf: [{ $ref: '#/components/schemas/B' }] },
          B: { $ref: '#/components/schemas/A' },
          Node: {
            type: 'object',
            properties: {
              children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
            },
          },
        },
      ),
      undefined,
    );
    expect(tools.map((t) => t.name)).toEqual(['tree']);
    expect(skipped.map((s) => s.operation)).toEqual(['loop']);
  });

  it('lets no operation take the name of a built-in tool or of another operation', () => {
    const { tools, skipped } = apiTools(
      api,
      hostile({ '/a': op('who-am-i'), '/b': op('same'), '/c': op('same') }),
      undefined,
    );
    expect(tools.map((t) => t.name)).toEqual(['same']);
    expect(skipped.map((s) => s.operation)).toEqual(['who-am-i', 'same']);
  });
});
