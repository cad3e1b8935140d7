import { request as httpRequest } from 'node:http';
import { PRODUCTION_ENV } from '../support/production-env';
import { startTestSystem, TestSystem } from '../support/system';

/** GET with headers fetch will not send (Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every absolute URL in the discovery document. */
function publishedUrls(discovery: Record<string, unknown>): string[] {
  return Object.values(discovery).filter(
    (value): value is string => typeof value === 'string' && /^https?:/.test(value),
  );
}

const FORGED = {
  host: 'evil.example',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  'x-forwarded-port': '443',
};

describe.each([
  ['production mode', { ...PRODUCTION_ENV }],
  ['development mode', {}],
])('in %s', (_mode, env) => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp', ...env } });
  });
  afterAll(() => sys?.close());

  it('discovery publishes URLs built from ISSUER_URL whatever Host and X-Forwarded-* say', async () => {
    const discovery = JSON.parse(
      await rawGet(`${sys.urls.issuer}/.well-known/openid-configuration`, FORGED),
    ) as Record<string, unknown>;
    const urls = publishedUrls(discovery);
    expect(urls.length).toBeGreaterThan(8);
    for (const url of urls)
      expect(url.startsWith(`${sys.urls.issuer}/`) || url === sys.urls.issuer).toBe(true);
  });

  it.each(['issuer', 'api', 'mcp'] as const)(
    'the %s port sends security headers, on oidc-provider replies too',
    async (role) => {
      const paths =
        role === 'issuer' ? ['/health', '/.well-known/openid-configuration'] : ['/health'];
      for (const path of paths) {
        const response = await fetch(`${sys.urls[role]}${path}`);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      }
    },
  );
});

describe('Swagger UI', () => {
  it.each([
    ['is off in production', PRODUCTION_ENV, 404],
    ['is on in production with SWAGGER_UI=true', { ...PRODUCTION_ENV, SWAGGER_UI: 'true' }, 200],
    ['is on in development', {}, 200],
  ])('%s', async (_case, env, status) => {
    const sys = await startTestSystem({ env: { ROLES: 'api', ...env } });
    try {
      expect((await fetch(`${sys.urls.api}/swagger`)).status).toBe(status);
      // The OpenAPI document stays: the MCP server builds its weather tools from it.
      expect((await fetch(`${sys.urls.api}/swagger-json`)).status).toBe(200);
    } finally {
      await sys.close();
    }
  });
});
