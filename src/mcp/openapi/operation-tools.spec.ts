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
  resource: 'https://petstore.example/api',
  scopes: ['read:pets', 'write:pets'],
  openapi: FIXTURE,
  baseUrl: 'http://127.0.0.1:9000/v3',
  tokenTtlSeconds: undefined,
  include: undefined,
  exclude: ['updatePetWithForm'],
};

describe('tools from the Swagger Petstore document', () => {
  let document: OpenAPIV3.Document;
  beforeAll(async () => {
    const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as OpenAPIV3.Document;
    document = (await SwaggerParser.dereference(raw)) as OpenAPIV3.Document;
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
    expect(find.output?.schema).toMatchObject({
      properties: { result: { type: 'array', items: { required: ['name', 'photoUrls'] } } },
    });
    // OpenAPI-only keywords (xml, example) are gone.
    expect(JSON.stringify(find.output?.schema)).not.toMatch(/"xml"|"example"/);
    const add = tools.find((t) => t.name === 'addPet')!;
    expect(add.inputSchema).toMatchObject({ required: ['body'] });
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
    const request = upstreamRequest(petstore, del, { petId: '1/../2', api_key: 'k' }, 'minted');
    expect(request.url).toBe('http://127.0.0.1:9000/v3/pet/1%2F..%2F2');
    expect(request.headers).toMatchObject({ api_key: 'k', authorization: 'Bearer minted' });
    const find = tools.find((t) => t.name === 'findPetsByStatus')!;
    expect(upstreamRequest(petstore, find, { status: ['sold', 'pending'] }, 't').url).toBe(
      'http://127.0.0.1:9000/v3/pet/findByStatus?status=sold&status=pending',
    );
  });
});
