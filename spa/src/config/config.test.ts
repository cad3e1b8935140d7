import { describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../test/responses';
import {
  CONTRACT_DEFAULTS,
  ConfigError,
  configFromViteEnv,
  fetchRuntimeConfig,
  loadConfig,
  parseRuntimeConfig,
  resolveConfig,
  RUNTIME_CONFIG_PATH,
} from './config';

const env = (values: Partial<ImportMetaEnv>): ImportMetaEnv => values as ImportMetaEnv;

describe('resolveConfig', () => {
  it('falls back to the contract defaults and derives both resource indicators', () => {
    expect(resolveConfig()).toEqual({
      ...CONTRACT_DEFAULTS,
      apiResource: 'http://localhost:5000',
      mcpResource: 'http://localhost:8010/mcp',
    });
  });

  it('lets later layers win and ignores empty values', () => {
    const config = resolveConfig(
      { authority: 'http://build:1', apiBaseUrl: 'http://build:2' },
      { authority: 'http://runtime:1', apiBaseUrl: '  ', clientId: '' },
    );
    expect(config.authority).toBe('http://runtime:1');
    expect(config.apiBaseUrl).toBe('http://build:2');
    expect(config.clientId).toBe('interactive');
  });

  it('strips trailing slashes so issuer and resources compare byte for byte', () => {
    const config = resolveConfig({ authority: 'http://a:1/', mcpBaseUrl: 'http://m:2//' });
    expect(config.authority).toBe('http://a:1');
    expect(config.mcpResource).toBe('http://m:2/mcp');
  });

  it("takes the server's scope list, and refuses one that is not RFC 6749 scope-tokens", () => {
    expect(resolveConfig({ scope: ' openid  weather:alerts ' }).scope).toBe(
      'openid weather:alerts',
    );
    expect(() => resolveConfig({ scope: 'openid "x"' })).toThrow(/scope is not a list/);
  });

  it('reports every bad URL at once', () => {
    let caught: unknown;
    try {
      resolveConfig({ authority: 'not a url', apiBaseUrl: 'ftp://x', mcpBaseUrl: 'http://m/?a=1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^authority is not a URL/);
    expect(problems[1]).toMatch(/^apiBaseUrl must be http\(s\)/);
    expect(problems[2]).toMatch(/^mcpBaseUrl must not have a query/);
  });
});

describe('configFromViteEnv', () => {
  it('maps the VITE_ variables', () => {
    expect(
      configFromViteEnv(
        env({
          VITE_AUTHORITY: 'http://a',
          VITE_CLIENT_ID: 'c',
          VITE_API_BASE_URL: 'http://api',
          VITE_MCP_BASE_URL: 'http://mcp',
          VITE_SCOPE: 'openid weatherget',
        }),
      ),
    ).toEqual({
      authority: 'http://a',
      clientId: 'c',
      apiBaseUrl: 'http://api',
      mcpBaseUrl: 'http://mcp',
      scope: 'openid weatherget',
    });
  });
});

describe('parseRuntimeConfig', () => {
  it('keeps known string keys and drops unknown ones', () => {
    expect(parseRuntimeConfig({ authority: 'http://a', extra: 1, clientId: null })).toEqual({
      authority: 'http://a',
    });
  });

  it('rejects non-objects and non-string values', () => {
    expect(() => parseRuntimeConfig([])).toThrow(ConfigError);
    expect(() => parseRuntimeConfig('x')).toThrow(ConfigError);
    expect(() => parseRuntimeConfig({ apiBaseUrl: 5000 })).toThrow(
      /apiBaseUrl .* must be a string/,
    );
  });
});

describe('fetchRuntimeConfig / loadConfig', () => {
  it('asks for /spa-config.json as JSON', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(jsonResponse({}));
    await fetchRuntimeConfig(fetchFn);
    const [url, init] = fetchFn.mock.calls[0] ?? [];
    expect(url).toBe(RUNTIME_CONFIG_PATH);
    expect(new Headers(init?.headers).get('accept')).toBe('application/json');
  });

  it('treats 404 as "no runtime config" and uses the build-time values', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(new Response('nope', { status: 404 }));
    const config = await loadConfig(env({ VITE_API_BASE_URL: 'http://build-api:1' }), fetchFn);
    expect(config.apiBaseUrl).toBe('http://build-api:1');
    expect(config.authority).toBe('http://localhost:5001');
  });

  it('ignores an HTML answer (a dev server falling back to index.html)', async () => {
    const html = new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } });
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(html);
    expect(await fetchRuntimeConfig(fetchFn)).toBeUndefined();
  });

  it('lets the runtime file override the build-time values', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(
      jsonResponse({
        authority: 'http://127.0.0.1:40001',
        clientId: 'interactive',
        apiBaseUrl: 'http://127.0.0.1:40002',
        mcpBaseUrl: 'http://127.0.0.1:40003',
      }),
    );
    const config = await loadConfig(env({ VITE_AUTHORITY: 'http://build:1' }), fetchFn);
    expect(config).toMatchObject({
      authority: 'http://127.0.0.1:40001',
      apiResource: 'http://127.0.0.1:40002',
      mcpResource: 'http://127.0.0.1:40003/mcp',
    });
  });

  it('fails loudly when the server answers with an error', async () => {
    const fetchFn = vi.fn<typeof fetch>().mockResolvedValue(new Response('', { status: 500 }));
    await expect(loadConfig(env({}), fetchFn)).rejects.toThrow(/answered 500/);
  });
});
