import type { OpenAPIV3 } from 'openapi-types';
import type { ProtectedApi } from '../../config/config';
import { outcomeOf, upstreamRequest } from './operation-call';
import { asCallToolResult } from './tool-outcome';
import { apiTools } from './operation-tools';

const api: ProtectedApi = {
  name: 'hostile',
  title: 'hostile',
  scopeTexts: {},
  resource: 'https://hostile.example/api',
  scopes: ['read'],
  openapi: '/dev/null',
  baseUrl: 'http://127.0.0.1:9000/api/v1',
  tokenTtlSeconds: undefined,
  include: undefined,
  exclude: [],
  dpop: false,
};
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: {} });

const { tools } = apiTools(
  api,
  {
    openapi: '3.0.3',
    info: { title: 'hostile', version: '1' },
    security: [{ oidc: ['read'] }],
    components: { securitySchemes: { oidc: { type: 'openIdConnect', openIdConnectUrl: 'x' } } },
    paths: {
      '/pets/{id}': {
        get: { operationId: 'getPet', parameters: [pathParam('id')], responses: {} },
      },
      '/files/{a}{b}': {
        get: { operationId: 'pair', parameters: [pathParam('a'), pathParam('b')], responses: {} },
      },
      '/search': {
        get: {
          operationId: 'search',
          parameters: [
            { name: 'q', in: 'query', schema: {} },
            { name: 'X-Trace', in: 'header', schema: {} },
          ],
          responses: {},
        },
      },
    },
  } as unknown as OpenAPIV3.Document,
  undefined,
);
const tool = (name: string) => tools.find((t) => t.name === name)!;
const request = (name: string, args: Record<string, unknown>) =>
  upstreamRequest(api, tool(name), args);

describe('a tool call as an HTTP request', () => {
  it.each(['.', '..', '%2e', '%2E%2e', '.%2e', '%252e%252e'])(
    'refuses the path parameter %j before anything is sent',
    (id) => {
      expect(() => request('getPet', { id })).toThrow(
        expect.objectContaining({
          code: 'dot_segment',
          message: 'path parameter "id" may not be "." or ".."',
        }) as Error,
      );
    },
  );

  it('refuses parameters that together make a dot segment', () => {
    expect(() => request('pair', { a: '.', b: '.' })).toThrow(
      expect.objectContaining({ code: 'dot_segment' }) as Error,
    );
  });

  it('encodes a path parameter as one segment, whatever it holds', () => {
    expect(request('getPet', { id: '../../admin?x=1#y' }).url).toBe(
      'http://127.0.0.1:9000/api/v1/pets/..%2F..%2Fadmin%3Fx%3D1%23y',
    );
    expect(request('getPet', { id: 'http://evil.example/' }).url).toBe(
      'http://127.0.0.1:9000/api/v1/pets/http%3A%2F%2Fevil.example%2F',
    );
  });

  it('refuses empty, huge and ill-formed values with a code the model can read', () => {
    const refusal = (name: string, args: Record<string, unknown>) => {
      try {
        request(name, args);
      } catch (error) {
        return (error as { code: string }).code;
      }
      return 'sent';
    };
    expect(refusal('getPet', {})).toBe('missing');
    expect(refusal('getPet', { id: '' })).toBe('empty');
    expect(refusal('getPet', { id: 'x'.repeat(5000) })).toBe('too_long');
    expect(refusal('getPet', { id: '\ud800' })).toBe('bad_characters');
    expect(refusal('search', { q: 'x'.repeat(9000) })).toBe('too_long');
    expect(refusal('search', { 'X-Trace': 'a\r\nInjected: 1' })).toBe('bad_characters');
    expect(refusal('search', { q: 'a\r\nb', 'X-Trace': 't' })).toBe('sent');
    expect(request('search', { q: 'a\r\nb' }).url).toBe(
      'http://127.0.0.1:9000/api/v1/search?q=a%0D%0Ab',
    );
  });

  it('never lets an argument that is not its own parameter reach the request', () => {
    const sent = request('search', {
      q: 'x',
      authorization: 'Bearer stolen',
      'Proxy-Authorization': 'Basic x',
      __proto__: { q: 'polluted' },
    });
    expect(sent.headers).toEqual({ accept: 'application/json' });
  });
});

describe('an API answer as a tool result', () => {
  const text = (result: { content: unknown[] }) => (result.content[0] as { text: string }).text;
  const answer = (status: number, body: unknown) => ({
    status,
    body,
    text: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const toolResultOf = (...call: Parameters<typeof outcomeOf>) =>
    asCallToolResult(outcomeOf(...call));

  it('gives back only the status and short, scrubbed problem fields of an error', () => {
    const result = toolResultOf(
      tool('search'),
      answer(400, {
        title: 'Bad request',
        detail: `header authorization: Bearer ${TOKEN}, proxy: Basic c2VjcmV0, raw ${TOKEN}\r\n`,
        headers: { authorization: `Bearer ${TOKEN}` },
        message: 'x'.repeat(1000),
        error: 7,
      }),
      TOKEN,
    );
    expect(result.isError).toBe(true);
    const problem = JSON.parse(text(result)) as Record<string, string>;
    expect(Object.keys(problem).sort()).toEqual(['detail', 'message', 'status', 'title']);
    expect(problem.detail).toBe(
      'header authorization: [redacted], proxy: [redacted], raw [redacted]  ',
    );
    expect(problem.message).toHaveLength(300);
    expect(text(result)).not.toContain('eyJ');
  });

  it('gives back only the status of a text error, whatever it echoes', () => {
    const result = toolResultOf(
      tool('search'),
      answer(500, `Authorization: Bearer ${TOKEN}`),
      TOKEN,
    );
    expect(JSON.parse(text(result))).toEqual({ status: 500 });
  });

  it('refuses a success answer that repeats the token', () => {
    const result = toolResultOf(tool('search'), answer(200, { echo: TOKEN }), TOKEN);
    expect(result.isError).toBe(true);
    expect(text(result)).not.toContain(TOKEN);
  });

  it('says why, by code, for callers that are not a model', () => {
    const codes = [401, 403, 404, 500].map((status) => {
      const outcome = outcomeOf(tool('search'), answer(status, { title: 'x' }), TOKEN);
      return outcome.ok ? 'ok' : `${outcome.code} ${outcome.status}`;
    });
    expect(codes).toEqual(['refused 401', 'refused 403', 'api_error 404', 'api_error 500']);
    const echoed = outcomeOf(tool('search'), answer(200, [TOKEN]), TOKEN);
    expect(echoed).toMatchObject({ ok: false, code: 'bad_answer', status: 502 });
  });
});
