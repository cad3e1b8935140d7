import { DPOP_SIGNING_ALGS } from '../src/config/dpop';
import { codeFlow, getWeather, tokenRequest, type TokenResponse } from './support/flows';
import { mcpInitialize, postMcp, toolCall } from './support/mcp';
import { basicAuth, decodeJwt } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';
import { forgeAccessToken } from './support/tokens';
import { proves } from './support/proves';

const MCP_SERVER_SECRET = 'mcp_server_dev_secret';
const EXCHANGE = {
  grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
  subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
};

describe('MCP server as an OAuth protected resource', () => {
  let sys: TestSystem;
  let mcpResource: string;
  let mcpTokens: TokenResponse;
  let narrowToken: string;
  let apiToken: string;
  const challenge = (response: Response) => response.headers.get('www-authenticate') ?? '';
  const metadataUrl = () => `${sys.urls.mcp}/.well-known/oauth-protected-resource/mcp`;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const mcpclient = (scope: string, resources: string[]) =>
    codeFlow(sys, {
      clientId: 'mcpclient',
      clientSecret: 'mcpclient_secret',
      redirectUri: 'http://localhost:3334/oauth/callback',
      scope,
      resources,
    });

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
    mcpResource = `${sys.urls.mcp}/mcp`;
    mcpTokens = await mcpclient('openid weatherget offline_access', [mcpResource]);
    narrowToken = (await mcpclient('openid', [mcpResource])).access_token;
    apiToken = (await codeFlow(sys)).access_token;
  });
  afterAll(() => sys?.close());

  describe('discovery', () => {
    it.each(['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'])(
      'serves RFC 9728 metadata at %s',
      async (path) => {
        const response = await fetch(`${sys.urls.mcp}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({
          resource: mcpResource,
          authorization_servers: [sys.urls.issuer],
          scopes_supported: ['weatherget', 'api'],
          bearer_methods_supported: ['header'],
          resource_name: 'Weather MCP server',
        });
      },
    );

    it('mirrors the AuthServer metadata on its own origin for 2025-03-26 clients', async () => {
      const mirrored = await fetch(`${sys.urls.mcp}/.well-known/oauth-authorization-server`);
      const original = await fetch(`${sys.urls.issuer}/.well-known/oauth-authorization-server`);
      expect(mirrored.status).toBe(200);
      const body = (await mirrored.json()) as Record<string, unknown>;
      expect(body).toEqual(await original.json());
      expect(body.issuer).toBe(sys.urls.issuer);
    });

    it('answers a bare request with 401 naming the scope and the metadata', async () => {
      proves(
        'mcp-auth-2025-06-18/mcp-server/401-www-authenticate',
        'mcp-auth-2025-11-25/mcp-server/401-www-authenticate',
        'mcp-auth-2026-07-28/mcp-server/401-www-authenticate',
        'mcp-auth-2025-11-25/mcp-server/challenge-scope',
        'mcp-auth-2026-07-28/mcp-server/challenge-scope',
      );
      const response = await postMcp(sys, mcpInitialize());
      expect(response.status).toBe(401);
      expect(challenge(response)).toBe(
        `Bearer scope="weatherget api", resource_metadata="${metadataUrl()}", DPoP algs="${DPOP_SIGNING_ALGS.join(' ')}"`,
      );
    });
  });

  describe('tokens', () => {
    it('accepts its own tokens on both protocol eras', async () => {
      const legacy = await postMcp(sys, mcpInitialize(), bearer(mcpTokens.access_token));
      expect(legacy.status).toBe(200);
      expect(await legacy.json()).toMatchObject({ result: { protocolVersion: '2025-06-18' } });

      // 2026-07-28: no handshake, every request states its revision (headers and _meta).
      const modern = await fetch(`${sys.urls.mcp}/mcp`, {
        method: 'POST',
        headers: {
          ...bearer(mcpTokens.access_token),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/list',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/list',
          params: {
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        }),
      });
      expect(modern.status).toBe(200);
      const listed = (await modern.json()) as { result: { tools: { name: string }[] } };
      expect(listed.result.tools.map((t) => t.name).sort()).toEqual([
        'get-server-info',
        'get-weather-forecast',
        'who-am-i',
      ]);
    });

    it('refuses a token minted for the API, and the API refuses one minted for the MCP server', async () => {
      proves(
        'mcp-auth-2025-06-18/mcp-server/audience',
        'mcp-auth-2025-11-25/mcp-server/audience',
        'mcp-auth-2026-07-28/mcp-server/audience',
      );
      const atMcp = await postMcp(sys, mcpInitialize(), bearer(apiToken));
      expect(atMcp.status).toBe(401);
      expect(challenge(atMcp)).toContain('error="invalid_token"');
      expect(challenge(atMcp)).toContain(`resource_metadata="${metadataUrl()}"`);

      const atApi = await getWeather(sys, mcpTokens.access_token);
      expect(atApi.status).toBe(401);
      expect(challenge(atApi)).toContain('error="invalid_token"');
    });

    // The full table of refused tokens is in src/bearer/bearer.guard.spec.ts; here only the
    // MCP server's wiring: this AuthServer's keys and the MCP resource as audience.
    it('refuses an expired token', async () => {
      proves(
        'mcp-auth-2025-06-18/mcp-server/validate-token',
        'mcp-auth-2025-11-25/mcp-server/validate-token',
        'mcp-auth-2026-07-28/mcp-server/validate-token',
      );
      const expired = await forgeAccessToken(sys, {
        aud: mcpResource,
        exp: Math.floor(Date.now() / 1000) - 60,
      });
      const response = await postMcp(sys, mcpInitialize(), bearer(expired));
      expect(response.status).toBe(401);
      expect(challenge(response)).toContain(
        'error="invalid_token", error_description="token expired"',
      );
    });

    it('takes tokens only from the Authorization header', async () => {
      proves(
        'mcp-auth-2025-06-18/mcp-server/no-query-token',
        'mcp-auth-2025-11-25/mcp-server/no-query-token',
        'mcp-auth-2026-07-28/mcp-server/no-query-token',
      );
      const response = await fetch(`${sys.urls.mcp}/mcp?access_token=${mcpTokens.access_token}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify(mcpInitialize()),
      });
      expect(response.status).toBe(400);
      expect(challenge(response)).toContain('error="invalid_request"');
    });
  });

  describe('tools and scopes', () => {
    const callWeather = (token: string) =>
      postMcp(sys, toolCall('get-weather-forecast', 7), bearer(token));

    it('lists only what a token without weatherget may call', async () => {
      expect(decodeJwt(narrowToken).payload.scope).toBeUndefined();
      const response = await postMcp(
        sys,
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        bearer(narrowToken),
      );
      const body = (await response.json()) as { result: { tools: { name: string }[] } };
      expect(body.result.tools.map((t) => t.name).sort()).toEqual(['get-server-info', 'who-am-i']);
    });

    it('answers the weather tool without weatherget with a complete step-up challenge', async () => {
      proves(
        'mcp-auth-2025-11-25/mcp-server/insufficient-scope-403',
        'mcp-auth-2026-07-28/mcp-server/insufficient-scope-403',
        'mcp-auth-2025-06-18/mcp-server/status-codes',
        'mcp-auth-2025-11-25/mcp-server/status-codes',
        'mcp-auth-2026-07-28/mcp-server/status-codes',
      );
      const response = await callWeather(narrowToken);
      expect(response.status).toBe(403);
      const header = challenge(response);
      expect(header).toMatch(/^Bearer /);
      expect(header).toContain('error="insufficient_scope"');
      expect(header).toContain('scope="weatherget"');
      expect(header).toContain(`resource_metadata="${metadataUrl()}"`);
      expect(await response.json()).toMatchObject({
        jsonrpc: '2.0',
        id: 7,
        error: { code: -32600 },
      });
    });

    it('returns five forecasts as text and structured content', async () => {
      const response = await callWeather(mcpTokens.access_token);
      expect(response.status).toBe(200);
      const { result } = (await response.json()) as {
        result: {
          isError?: boolean;
          content: { type: string; text: string }[];
          structuredContent: { forecasts: unknown[] };
        };
      };
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent.forecasts).toHaveLength(5);
      // The tool comes from the API's OpenAPI document: its text is the API's JSON answer.
      expect(JSON.parse(result.content[0]!.text)).toEqual(result.structuredContent.forecasts);
    });

    it('tells who is calling', async () => {
      const response = await postMcp(sys, toolCall('who-am-i', 3), bearer(narrowToken));
      const { result } = (await response.json()) as {
        result: { structuredContent: Record<string, unknown> };
      };
      expect(result.structuredContent).toMatchObject({
        subject: '818727',
        clientId: 'mcpclient',
        audience: [mcpResource],
      });
    });

    it('answers a body that is not JSON with a JSON-RPC parse error', async () => {
      const response = await fetch(`${sys.urls.mcp}/mcp`, {
        method: 'POST',
        headers: {
          ...bearer(mcpTokens.access_token),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: '{"jsonrpc": "2.0", ',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: 'Parse error: the request body is not valid JSON' },
      });
    });

    it('answers an unknown tool with a JSON-RPC error, not an HTTP failure', async () => {
      const response = await postMcp(
        sys,
        toolCall('no-such-tool', 4),
        bearer(mcpTokens.access_token),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: 4, error: { code: -32602 } });
    });
  });

  describe('REST twins', () => {
    it('serves /api/public without a token', async () => {
      const response = await fetch(`${sys.urls.mcp}/api/public`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        resource: mcpResource,
        authorizationServer: sys.urls.issuer,
      });
    });

    it('serves /api/protected with a token only', async () => {
      expect((await fetch(`${sys.urls.mcp}/api/protected`)).status).toBe(401);
      const response = await fetch(`${sys.urls.mcp}/api/protected`, {
        headers: bearer(narrowToken),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ subject: '818727', clientId: 'mcpclient' });
    });

    it('serves /api/sample through the API with weatherget, 403 without', async () => {
      const response = await fetch(`${sys.urls.mcp}/api/sample`, {
        headers: bearer(mcpTokens.access_token),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveLength(5);
      const narrow = await fetch(`${sys.urls.mcp}/api/sample`, { headers: bearer(narrowToken) });
      expect(narrow.status).toBe(403);
      expect(challenge(narrow)).toContain(
        'error="insufficient_scope", error_description="this operation needs scope: weatherget", scope="weatherget"',
      );
    });
  });

  describe('browsers', () => {
    it('refuses a disallowed Origin with 403 and a JSON-RPC body, before looking at the token', async () => {
      const response = await postMcp(sys, mcpInitialize(), {
        ...bearer(mcpTokens.access_token),
        origin: 'https://evil.example',
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32000 },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const anonymous = await postMcp(sys, mcpInitialize(), { origin: 'null' });
      expect(anonymous.status).toBe(403);
    });

    it('accepts the SPA origin and loopback origins in development', async () => {
      for (const origin of [sys.urls.spa, 'http://localhost:6274', 'http://127.0.0.1:6274']) {
        const response = await postMcp(sys, mcpInitialize(), {
          ...bearer(mcpTokens.access_token),
          origin,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      }
    });

    it('answers CORS preflights on /mcp with the MCP headers, and exposes the challenge', async () => {
      const response = await fetch(`${sys.urls.mcp}/mcp`, {
        method: 'OPTIONS',
        headers: {
          origin: sys.urls.spa,
          'access-control-request-method': 'POST',
          'access-control-request-headers':
            'authorization, content-type, mcp-protocol-version, mcp-method, mcp-name',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(sys.urls.spa);
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      const allowed = (response.headers.get('access-control-allow-headers') ?? '')
        .toLowerCase()
        .split(/,\s*/);
      for (const header of [
        'authorization',
        'content-type',
        'mcp-protocol-version',
        'mcp-method',
        'mcp-name',
        'mcp-session-id',
        'last-event-id',
      ]) {
        expect(allowed).toContain(header);
      }

      const unauthorized = await postMcp(sys, mcpInitialize(), { origin: sys.urls.spa });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('access-control-expose-headers')?.toLowerCase()).toContain(
        'www-authenticate',
      );
    });

    it('lets browser clients read the well-known documents', async () => {
      const response = await fetch(`${sys.urls.mcp}/.well-known/oauth-protected-resource/mcp`, {
        headers: { origin: sys.urls.spa },
      });
      expect(response.headers.get('access-control-allow-origin')).toBe(sys.urls.spa);
    });
  });

  describe('token exchange at the AuthServer (no passthrough)', () => {
    const exchange = (
      params: Record<string, string>,
      clientId = 'mcp.server',
      secret = MCP_SERVER_SECRET,
    ) => tokenRequest(sys, { ...EXCHANGE, ...params }, basicAuth(clientId, secret));

    it('mints an API token for the same user, narrowed, naming the MCP server as actor', async () => {
      const response = await exchange({
        subject_token: mcpTokens.access_token,
        resource: sys.urls.api,
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        access_token: string;
        issued_token_type: string;
        scope: string;
      };
      expect(body.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
      const { payload } = decodeJwt(body.access_token);
      const subject = decodeJwt(mcpTokens.access_token).payload;
      expect(payload).toMatchObject({
        aud: sys.urls.api,
        sub: subject.sub,
        scope: 'weatherget',
        act: { sub: 'mcp.server' },
      });
      expect(Number(payload.exp)).toBeLessThanOrEqual(Number(subject.exp));
      expect((await getWeather(sys, body.access_token)).status).toBe(200);
    });

    it('refuses an API-audience subject token with invalid_request', async () => {
      const response = await exchange({ subject_token: apiToken, resource: sys.urls.api });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    });

    it.each([
      ['the MCP server itself', () => mcpResource],
      ['an unknown resource', () => 'https://evil.example/api'],
    ])(
      'refuses a target that is not allow-listed (%s) with invalid_target',
      async (_name, target) => {
        const response = await exchange({
          subject_token: mcpTokens.access_token,
          resource: target(),
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: 'invalid_target' });
      },
    );

    it('refuses clients other than the MCP server', async () => {
      const response = await exchange(
        { subject_token: mcpTokens.access_token, resource: sys.urls.api },
        'mcpclient',
        'mcpclient_secret',
      );
      // mcpclient may use token exchange only to ask for an ID-JAG; an access token for an API
      // is the MCP server's alone: unauthorized_client (RFC 6749 §5.2).
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: 'unauthorized_client',
        error_description: 'client may not exchange tokens',
      });
    });

    it('refuses a wrong MCP server secret', async () => {
      const response = await exchange(
        { subject_token: mcpTokens.access_token, resource: sys.urls.api },
        'mcp.server',
        'wrong',
      );
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    });
  });
});
