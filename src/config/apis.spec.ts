import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { WEATHER_API_SCOPES } from './apis';

const dir = mkdtempSync(join(tmpdir(), 'apis-spec-'));
let files = 0;
function apisFile(content: unknown, ext = 'json'): string {
  const path = join(dir, `apis-${++files}.${ext}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const petstore = {
  name: 'petstore',
  resource: 'https://petstore.example/api/',
  scopes: ['read:pets', 'write:pets'],
  openapi: 'petstore/openapi.json',
  baseUrl: 'http://127.0.0.1:9000',
  tokenTtlSeconds: 120,
};

function problemsOf(file: string): readonly string[] {
  try {
    loadConfig({ APIS_FILE: file });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('APIS_FILE', () => {
  it('defaults to the weather API alone, with the scopes of its list', () => {
    expect(loadConfig({}).shared.apis).toEqual([
      {
        name: 'weather',
        title: 'Weather API',
        resource: 'http://localhost:5000',
        scopes: ['weatherget', 'api'],
        scopeTexts: WEATHER_API_SCOPES,
        openapi: 'http://localhost:5000/swagger-json',
        baseUrl: 'http://localhost:5000',
        tokenTtlSeconds: undefined,
        include: undefined,
        exclude: [],
        dpop: true,
      },
    ]);
  });

  it('binds tokens only for an API that says it checks DPoP proofs, never for a connected one', () => {
    const file = apisFile({
      apis: [
        petstore,
        { ...petstore, name: 'bound', resource: 'https://bound.example', dpop: true },
        {
          ...petstore,
          name: 'third',
          resource: 'https://third.example',
          dpop: true,
          auth: { provider: 'acme', scopes: ['notes:read'] },
        },
      ],
    });
    const apis = loadConfig({ APIS_FILE: file }).shared.apis;
    expect(apis.map((api) => [api.name, api.dpop])).toEqual([
      ['petstore', false],
      ['bound', true],
      ['third', false],
    ]);
  });

  it('reads JSON, trims trailing slashes and resolves a document path against the file', () => {
    const file = apisFile({ apis: [petstore] });
    expect(loadConfig({ APIS_FILE: file }).shared.apis).toEqual([
      {
        ...petstore,
        title: 'petstore',
        scopeTexts: {},
        resource: 'https://petstore.example/api',
        openapi: join(dir, 'petstore/openapi.json'),
        include: undefined,
        exclude: [],
        dpop: false,
      },
    ]);
  });

  it('reads YAML', () => {
    const file = apisFile(
      [
        '- name: petstore',
        '  resource: https://petstore.example/api',
        '  scopes: [read:pets]',
        '  openapi: https://petstore.example/openapi.json',
        '  baseUrl: https://petstore.example/api',
        '  include: [findPetsByStatus]',
      ].join('\n'),
      'yaml',
    );
    expect(loadConfig({ APIS_FILE: file }).shared.apis[0]).toMatchObject({
      name: 'petstore',
      scopes: ['read:pets'],
      include: ['findPetsByStatus'],
    });
  });

  it('reports every bad entry at once, naming the file and the entry', () => {
    const file = apisFile([
      { ...petstore, scopes: ['openid', 'has space'], baseUrl: 'ftp://x' },
      { ...petstore, resource: 'https://petstore.example/api', tokenTtlSeconds: 5 },
      { ...petstore, name: 'other', resource: 'http://localhost:8010/mcp', extra: true },
    ]);
    const problems = problemsOf(file);
    const at = (entry: string) => problems.filter((p) => p.includes(entry));
    expect(problems.every((p) => p.startsWith(`APIS_FILE ${file}: `))).toBe(true);
    expect(at('entry 1 ("petstore") scopes.1')).toHaveLength(1);
    expect(at('entry 1 ("petstore") scopes names the OpenID Connect scope "openid"')).toHaveLength(
      1,
    );
    expect(at('entry 1 ("petstore") baseUrl')).toHaveLength(1);
    expect(at('entry 2 ("petstore") name is used twice')).toHaveLength(1);
    expect(at('entry 2 ("petstore") resource is already')).toHaveLength(1);
    expect(at('entry 2 ("petstore") tokenTtlSeconds')).toHaveLength(1);
    expect(at('entry 3 ("other") resource is already')).toHaveLength(1);
    expect(at('entry 3 ("other")')).toEqual(
      expect.arrayContaining([expect.stringMatching(/extra/)]),
    );
  });

  it.each([
    ['a file that is not there', join(dir, 'missing.json'), /cannot be read/],
    ['a file that is not JSON', apisFile('{ not json'), /cannot be read/],
    ['an empty list', apisFile({ apis: [] }), /the list must list at least one API/],
  ])('refuses %s with a clear message', (_what, file, message) => {
    const problems = problemsOf(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).toContain(file);
  });
});
