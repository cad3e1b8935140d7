import { Client, DpopSession } from '@modelcontextprotocol/client';
import { McpDpopKey } from '../src/mcp/upstream/mcp-dpop-key';
import { dpopProof, newDpopKey } from './support/dpop';
import { connectSignedIn, HeadlessOAuthProvider, loopbackCallback } from './support/mcp-oauth';
import { RecordedRequest, recordingFetch, watchApiPrincipals } from './support/mcp';
import { decodeJwt } from './support/pkce';
import { proves } from './support/proves';
import { startTestSystem, TestSystem } from './support/system';

const CLIENT_INFO = { name: 'api-mcp-auth-dpop-e2e', version: '1.0.0' };

/**
 * The official MCP client v2 with DPoP (RFC 9449, MCP SEP-1932), against a system that requires
 * server nonces at the token endpoint and at the MCP server (DPOP_REQUIRE_NONCE): it registers,
 * signs alice in, gets a DPoP-bound token, answers both nonce challenges and calls a tool.
 */
describe('the official MCP client v2 with DPoP and server nonces', () => {
  let sys: TestSystem;
  let callback: Awaited<ReturnType<typeof loopbackCallback>>;
  let provider: HeadlessOAuthProvider;
  let session: DpopSession;
  let client: Client;
  const log: RecordedRequest[] = [];

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp', DPOP_REQUIRE_NONCE: 'true' } });
    callback = await loopbackCallback();
    session = await DpopSession.create();
    provider = new HeadlessOAuthProvider({
      redirectUrl: callback.url,
      username: 'alice',
      password: 'alice',
      dpop: session,
    });
    ({ client } = await connectSignedIn(
      `${sys.urls.mcp}/mcp`,
      provider,
      CLIENT_INFO,
      recordingFetch(log),
    ));
  });
  afterAll(async () => {
    await client?.close();
    await callback?.close();
    await sys?.close();
  });

  it('holds a token bound to its DPoP key', () => {
    const tokens = provider.tokens()!;
    expect(tokens.token_type).toBe('DPoP');
    expect(decodeJwt(tokens.access_token).payload.cnf).toEqual({ jkt: session.thumbprint });
  });

  it('was asked for a nonce by the MCP server and answered with one', () => {
    const nonceChallenges = log.filter(
      (entry) => entry.status === 401 && /use_dpop_nonce/.test(entry.wwwAuthenticate ?? ''),
    );
    expect(nonceChallenges.length).toBeGreaterThan(0);
  });

  it('calls the weather tool with DPoP', async () => {
    proves('mcp-auth-ext/as/dpop');
    const result = await client.callTool({ name: 'get-weather-forecast', arguments: {} });
    expect(result.isError).toBeFalsy();
  });

  it('calls the API with an exchanged token bound to the MCP server key, useless when leaked', async () => {
    proves('mcp-auth-ext/as/dpop');
    const seen = watchApiPrincipals(sys);
    const result = await client.callTool({ name: 'get-weather-forecast', arguments: {} });
    expect(result.isError).toBeFalsy();
    const [principal] = await seen.principals();
    const exchanged = principal!.token;
    const mcpKey = sys.system.apps.get('mcp')!.get(McpDpopKey);
    expect(decodeJwt(exchanged).payload.cnf).toEqual({ jkt: mcpKey.thumbprint });
    expect(mcpKey.thumbprint).not.toBe(session.thumbprint);

    // RFC 9449 §7.2: as a bearer token it is refused; with a proof of any other key too (§4.3).
    const forecast = `${sys.urls.api}/WeatherForecast`;
    const asBearer = await fetch(forecast, { headers: { authorization: `Bearer ${exchanged}` } });
    expect(asBearer.status).toBe(401);
    const thief = await newDpopKey();
    const withNonce = async (nonce?: string) =>
      fetch(forecast, {
        headers: {
          authorization: `DPoP ${exchanged}`,
          dpop: await dpopProof(thief, 'GET', forecast, { accessToken: exchanged, nonce }),
        },
      });
    const first = await withNonce();
    expect(first.status).toBe(401);
    const nonce = first.headers.get('dpop-nonce') ?? undefined;
    const stolen = await withNonce(nonce);
    expect(stolen.status).toBe(401);
    expect(stolen.headers.get('www-authenticate')).toMatch(/DPoP error="invalid_token"/);
  });
});
