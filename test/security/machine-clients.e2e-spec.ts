import { resolve } from 'node:path';
import * as client from 'openid-client';
import { weatherApisFile } from '../support/apis-file';
import { getWeather } from '../support/flows';
import { startTestSystem, TestSystem } from '../support/system';

const M2M_SECRET = '511536EF-F270-4058-80CA-1C89C192F69A';
const PETSTORE = 'https://petstore.example/api';

/**
 * A client-credentials token acts for no user, so a machine client gets one only for the
 * resources it is configured for (m2m.client: the weather API) and only with a scope it may
 * ask for: never a token for the MCP server or another API, never a token without a scope.
 */
describe('client credentials for machine clients', () => {
  let sys: TestSystem;
  let m2m: client.Configuration;
  beforeAll(async () => {
    sys = await startTestSystem({
      env: (ports) => ({
        ROLES: 'auth,api',
        APIS_FILE: weatherApisFile(ports, {}, [
          {
            name: 'petstore',
            resource: PETSTORE,
            scopes: ['read:pets'],
            openapi: resolve(__dirname, '../fixtures/petstore/openapi.json'),
            baseUrl: 'http://127.0.0.1:9',
          },
        ]),
      }),
    });
    m2m = await client.discovery(
      new URL(sys.urls.issuer),
      'm2m.client',
      undefined,
      client.ClientSecretBasic(M2M_SECRET),
      { execute: [client.allowInsecureRequests] },
    );
  });
  afterAll(() => sys?.close());

  /** The OAuth error code of a refused grant (RFC 6749 §5.2). */
  async function refusal(parameters: Record<string, string>): Promise<string> {
    try {
      await client.clientCredentialsGrant(m2m, parameters);
    } catch (error) {
      if (error instanceof client.ResponseBodyError) return error.error;
      throw error;
    }
    throw new Error('the token request was granted');
  }

  it('still gives m2m.client a token for the weather API with scope api', async () => {
    const tokens = await client.clientCredentialsGrant(m2m, { scope: 'api' });
    expect(tokens.scope).toBe('api');
    expect((await getWeather(sys, tokens.access_token)).status).toBe(403);
    const named = await client.clientCredentialsGrant(m2m, {
      scope: 'api',
      resource: sys.urls.api,
    });
    expect(named.scope).toBe('api');
  });

  it.each([
    ['the MCP server', () => `${sys.urls.mcp}/mcp`],
    ['another configured API', () => PETSTORE],
  ])('refuses m2m.client a token for %s with invalid_target', async (_, resource) => {
    expect(await refusal({ scope: 'api', resource: resource() })).toBe('invalid_target');
    expect(await refusal({ resource: resource() })).toBe('invalid_target');
  });

  it('refuses a request without a scope, or with none the API has, with invalid_scope', async () => {
    expect(await refusal({})).toBe('invalid_scope');
    expect(await refusal({ resource: sys.urls.api })).toBe('invalid_scope');
    expect(await refusal({ scope: ' ' })).toBe('invalid_scope');
    expect(await refusal({ scope: 'openid' })).toBe('invalid_scope');
  });
});
