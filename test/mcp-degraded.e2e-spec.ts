import { mcpClientFlow } from './support/flows';
import { postMcp, toolCall } from './support/mcp';
import { startTestSystem, TestSystem } from './support/system';

/** The MCP role runs apart from the API here, and the API is not running: nothing may be a 500. */
describe('MCP server when the weather API is down', () => {
  let sys: TestSystem;
  let token: string;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,mcp' } });
    token = (await mcpClientFlow(sys, 'openid weatherget')).access_token;
  });
  afterAll(() => sys?.close());

  it('answers the weather tool with an isError result the model can act on', async () => {
    const response = await postMcp(sys, toolCall('get-weather-forecast', 1), {
      authorization: `Bearer ${token}`,
    });
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as {
      result: { isError: boolean; content: { text: string }[] };
    };
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/temporarily unavailable/);
  });

  it('answers /api/sample with 503 and Retry-After, not 500', async () => {
    const response = await fetch(`${sys.urls.mcp}/api/sample`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});

describe('MCP server when the AuthServer is down', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'mcp' } });
  });
  afterAll(() => sys?.close());

  it('answers the mirrored AS metadata with 503 and Retry-After', async () => {
    const response = await fetch(`${sys.urls.mcp}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it('still serves its own metadata, and answers 503 for tokens it cannot check yet', async () => {
    expect((await fetch(`${sys.urls.mcp}/.well-known/oauth-protected-resource/mcp`)).status).toBe(
      200,
    );
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'k' })).toString(
      'base64url',
    );
    const payload = Buffer.from(JSON.stringify({ sub: 'x', aud: `${sys.urls.mcp}/mcp` })).toString(
      'base64url',
    );
    const response = await postMcp(
      sys,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { authorization: `Bearer ${header}.${payload}.sig` },
    );
    // The issuer's keys are out of reach: the token may be fine, so this is not a 401 that
    // would send the client to re-authorize against a server that is down.
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
