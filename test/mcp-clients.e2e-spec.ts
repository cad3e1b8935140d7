import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type CallToolResult,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as UnauthorizedErrorV1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { mcpClientFlow } from './support/flows';
import { decodeJwt } from './support/pkce';
import { HeadlessOAuthProvider, loopbackCallback, type StoredTokens } from './support/mcp-oauth';
import { RecordedRequest, recordingFetch, watchApiPrincipals } from './support/mcp';
import { startTestSystem, TestSystem } from './support/system';
import { tamper } from './support/tokens';
import { proves } from './support/proves';

/** What one generation of the official client looks like to these tests. */
interface McpSession {
  listTools(): Promise<string[]>;
  callTool(name: string): Promise<CallToolResult>;
  /** Runs `call`; when the client stops for authorization, finishes it and runs `call` again. */
  withAuthorization<T>(call: () => Promise<T>): Promise<T>;
  protocolVersion(): string | undefined;
  close(): Promise<void>;
}

interface Generation {
  readonly name: string;
  readonly expectedProtocol: string;
  /**
   * v1 answers a 403 insufficient_scope by refreshing when it holds a refresh token; a refresh
   * cannot widen the grant (RFC 6749 §6), so it then gives up ("403 after trying upscoping").
   * Its step-up works for a client that holds no refresh token; v2 re-authorizes either way.
   */
  readonly stepUpIgnoresRefreshToken: boolean;
  connect(
    url: string,
    provider: HeadlessOAuthProvider,
    log: RecordedRequest[],
  ): Promise<McpSession>;
}

const CLIENT_INFO = { name: 'api-mcp-auth-e2e', version: '1.0.0' };

function v2(mode: 'auto' | 'legacy', expectedProtocol: string): Generation {
  return {
    name: `@modelcontextprotocol/client (v2, ${mode === 'auto' ? '2026-07-28' : '2025 era'})`,
    expectedProtocol,
    stepUpIgnoresRefreshToken: true,
    async connect(url, provider, log) {
      const open = () =>
        new StreamableHTTPClientTransport(new URL(url), {
          authProvider: provider,
          fetch: recordingFetch(log),
        });
      let transport = open();
      let client = new Client(CLIENT_INFO, { versionNegotiation: { mode } });
      const finish = async () => transport.finishAuth(provider.takeCallback());
      try {
        await client.connect(transport);
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) throw error;
        await finish();
        transport = open();
        client = new Client(CLIENT_INFO, { versionNegotiation: { mode } });
        await client.connect(transport);
      }
      const session: McpSession = {
        listTools: async () => (await client.listTools()).tools.map((t) => t.name),
        callTool: async (name) => client.callTool({ name, arguments: {} }),
        async withAuthorization(call) {
          try {
            return await call();
          } catch (error) {
            if (!(error instanceof UnauthorizedError)) throw error;
            await finish();
            return call();
          }
        },
        protocolVersion: () => client.getNegotiatedProtocolVersion(),
        close: () => client.close(),
      };
      return session;
    },
  };
}

const v1: Generation = {
  name: '@modelcontextprotocol/sdk (v1, 2025 era)',
  expectedProtocol: '2025-11-25',
  stepUpIgnoresRefreshToken: false,
  async connect(url, provider, log) {
    const open = () =>
      new TransportV1(new URL(url), { authProvider: provider, fetch: recordingFetch(log) });
    let transport = open();
    let client = new ClientV1(CLIENT_INFO);
    const finish = async () => transport.finishAuth(provider.takeCallback().get('code')!);
    try {
      await client.connect(transport);
    } catch (error) {
      if (!(error instanceof UnauthorizedErrorV1)) throw error;
      await finish();
      transport = open();
      client = new ClientV1(CLIENT_INFO);
      await client.connect(transport);
    }
    return {
      listTools: async () => (await client.listTools()).tools.map((t) => t.name),
      callTool: async (name) => (await client.callTool({ name, arguments: {} })) as CallToolResult,
      async withAuthorization(call) {
        try {
          return await call();
        } catch (error) {
          if (!(error instanceof UnauthorizedErrorV1)) throw error;
          await finish();
          return call();
        }
      },
      protocolVersion: () => transport.protocolVersion,
      close: () => client.close(),
    };
  },
};

const forecastsOf = (result: CallToolResult) =>
  (result.structuredContent as { forecasts: Record<string, unknown>[] } | undefined)?.forecasts;

describe.each([v2('auto', '2026-07-28'), v2('legacy', '2025-11-25'), v1])('$name', (generation) => {
  let sys: TestSystem;
  let callback: Awaited<ReturnType<typeof loopbackCallback>>;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
    callback = await loopbackCallback();
  });
  afterAll(async () => {
    await callback?.close();
    await sys?.close();
  });

  // One client's journey, step by step: each `it` builds on the state the previous one left.
  describe('from a bare 401 to the weather tool, then a refresh', () => {
    let api: ReturnType<typeof watchApiPrincipals>;
    const log: RecordedRequest[] = [];
    let provider: HeadlessOAuthProvider;
    let session: McpSession;
    let mcpToken: StoredTokens;

    beforeAll(async () => {
      api = watchApiPrincipals(sys);
      provider = new HeadlessOAuthProvider({
        redirectUrl: callback.url,
        username: 'alice',
        password: 'alice',
      });
      session = await generation.connect(`${sys.urls.mcp}/mcp`, provider, log);
      mcpToken = provider.tokens()!;
    });
    afterAll(() => session?.close());

    it('follows the discovery chain the spec prescribes, in order', () => {
      proves(
        'mcp-auth-2025-06-18/mcp-server/prm',
        'mcp-auth-2025-11-25/mcp-server/prm',
        'mcp-auth-2026-07-28/mcp-server/prm',
      );
      const path = log.map((r) => `${r.method} ${r.url} ${r.status}`);
      const step = (pattern: RegExp) => path.findIndex((line) => pattern.test(line));
      const order = [
        step(new RegExp(`^POST ${sys.urls.mcp}/mcp 401$`)),
        step(new RegExp(`^GET ${sys.urls.mcp}/\\.well-known/oauth-protected-resource(/mcp)? 200$`)),
        step(
          new RegExp(
            `^GET ${sys.urls.issuer}/\\.well-known/(oauth-authorization-server|openid-configuration) 200$`,
          ),
        ),
        step(new RegExp(`^POST ${sys.urls.issuer}/connect/register 201$`)),
        step(new RegExp(`^POST ${sys.urls.issuer}/connect/token 200$`)),
        path.findLastIndex((line) => line.startsWith(`POST ${sys.urls.mcp}/mcp 200`)),
      ];
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(provider.registeredClient?.client_id).toEqual(expect.any(String));
    });

    it('asks once, with PKCE S256, for the MCP resource and weatherget on its loopback callback', () => {
      expect(provider.authorizationRequests).toHaveLength(1);
      const authorize = provider.authorizationRequests[0]!.searchParams;
      expect(authorize.get('code_challenge_method')).toBe('S256');
      expect(authorize.get('resource')?.replace(/\/$/, '')).toBe(`${sys.urls.mcp}/mcp`);
      expect(authorize.get('redirect_uri')).toBe(callback.url);
      expect(authorize.get('scope')?.split(' ')).toContain('weatherget');
    });

    it('gets the issuer in the authorization response (RFC 9207)', () => {
      proves('mcp-auth-2026-07-28/as/iss-on-response');
      // v2 checks it, v1 ignores it.
      expect(provider.callbacks[0]?.searchParams.get('iss')).toBe(sys.urls.issuer);
    });

    it('holds an access token for the MCP server and a refresh token', () => {
      proves(
        'mcp-auth-2025-06-18/as/resource-audience',
        'mcp-auth-2025-11-25/as/resource-audience',
        'mcp-auth-2026-07-28/as/resource-audience',
      );
      expect(decodeJwt(mcpToken.access_token).payload).toMatchObject({
        aud: `${sys.urls.mcp}/mcp`,
        sub: '818727',
        client_id: provider.registeredClient!.client_id,
      });
      expect(mcpToken.refresh_token).toEqual(expect.any(String));
    });

    it('negotiates the protocol version of its generation', () => {
      expect(session.protocolVersion()).toBe(generation.expectedProtocol);
    });

    it('lists every tool', async () => {
      expect((await session.listTools()).sort()).toEqual([
        'get-server-info',
        'get-weather-forecast',
        'get-weather-summaries',
        'who-am-i',
      ]);
    });

    it('gets five forecasts from the weather tool, twice', async () => {
      const first = await session.callTool('get-weather-forecast');
      expect(first.isError).toBeFalsy();
      expect(forecastsOf(first)).toHaveLength(5);
      const [text] = first.content;
      // Built from the API's OpenAPI document, the tool's text is the API's own JSON answer.
      expect(JSON.parse(text?.type === 'text' ? text.text : '')).toEqual(forecastsOf(first));
      const second = await session.callTool('get-weather-forecast');
      expect(forecastsOf(second)).toHaveLength(5);
    });

    it('reached the API with its own exchanged token, never the client’s, cached between calls', async () => {
      proves(
        'mcp-auth-2025-06-18/mcp-server/no-passthrough',
        'mcp-auth-2025-11-25/mcp-server/no-passthrough',
        'mcp-auth-2026-07-28/mcp-server/no-passthrough',
      );
      const seen = await api.principals();
      expect(seen).toHaveLength(2);
      for (const principal of seen) {
        expect(principal.audience).toEqual([sys.urls.api]);
        expect(principal.act).toEqual({ sub: 'mcp.server' });
        expect(principal.sub).toBe('818727');
        expect(principal.scopes).toEqual(['weatherget']);
        expect(principal.token).not.toBe(mcpToken.access_token);
      }
      expect(seen[1]!.token).toBe(seen[0]!.token);
    });

    it('refreshes without a new login once the held access token stops working', async () => {
      provider.replaceAccessToken(tamper(mcpToken.access_token, { jti: 'stale' }));
      const saved = provider.savedTokens.length;
      const afterRefresh = await session.withAuthorization(() =>
        session.callTool('get-weather-forecast'),
      );
      expect(forecastsOf(afterRefresh)).toHaveLength(5);
      expect(provider.authorizationRequests).toHaveLength(1);
      expect(provider.savedTokens.length).toBe(saved + 1);
      expect(
        log.some((r) => r.url === `${sys.urls.issuer}/connect/token` && r.status === 200),
      ).toBe(true);
    });

    it('rotates both tokens on refresh, still for the MCP server', () => {
      const refreshed = provider.tokens()!;
      expect(refreshed.access_token).not.toBe(mcpToken.access_token);
      expect(refreshed.refresh_token).not.toBe(mcpToken.refresh_token);
      expect(decodeJwt(refreshed.access_token).payload).toMatchObject({
        aud: `${sys.urls.mcp}/mcp`,
        sub: '818727',
      });
    });
  });

  it('shows a token without weatherget only the public tools, challenges the weather tool, and steps up', async () => {
    // A token for the MCP server without weatherget, as the pre-registered mcpclient.
    const narrow = await mcpClientFlow(sys, 'openid offline_access');
    expect(decodeJwt(narrow.access_token).payload).toMatchObject({ aud: `${sys.urls.mcp}/mcp` });
    // No scope of the MCP resource was asked for, so the token carries none.
    expect(decodeJwt(narrow.access_token).payload.scope).toBeUndefined();

    // mcpclient is registered with port 3334; as a native client it may listen on any port.
    const provider = new HeadlessOAuthProvider({
      redirectUrl: `http://localhost:${new URL(callback.url).port}/oauth/callback`,
      client: {
        client_id: 'mcpclient',
        client_secret: 'mcpclient_secret',
        token_endpoint_auth_method: 'client_secret_basic',
        issuer: sys.urls.issuer,
      },
      tokens: {
        ...narrow,
        refresh_token: generation.stepUpIgnoresRefreshToken ? narrow.refresh_token : undefined,
        issuer: sys.urls.issuer,
      },
    });
    const log: RecordedRequest[] = [];
    const session = await generation.connect(`${sys.urls.mcp}/mcp`, provider, log);
    expect(provider.authorizationRequests).toHaveLength(0);
    expect((await session.listTools()).sort()).toEqual(['get-server-info', 'who-am-i']);

    const result = await session.withAuthorization(() => session.callTool('get-weather-forecast'));
    expect(forecastsOf(result)).toHaveLength(5);

    // The client learned the missing scope from the 403 challenge and asked for it.
    expect(log.some((r) => r.url === `${sys.urls.mcp}/mcp` && r.status === 403)).toBe(true);
    expect(provider.authorizationRequests).toHaveLength(1);
    expect(provider.authorizationRequests[0]!.searchParams.get('scope')?.split(' ')).toContain(
      'weatherget',
    );
    const wider = provider.tokens()!;
    expect(String(decodeJwt(wider.access_token).payload.scope).split(' ')).toContain('weatherget');
    expect((await session.listTools()).sort()).toEqual([
      'get-server-info',
      'get-weather-forecast',
      'who-am-i',
    ]);
    await session.close();
  });
});
