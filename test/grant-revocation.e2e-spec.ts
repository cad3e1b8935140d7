import { TestBrowser } from './support/browser';
import { codeFlow, getWeather, mcpServerExchange, tokenRequest } from './support/flows';
import { basicAuth, decodeJwt } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';
import {
  dayLongTokens,
  expectListedPast,
  startDayLongTokenSystem,
} from './support/day-long-tokens';

/** RFC 7009 revocation of the SPA's refresh token, which revokes its whole grant. */
function revokeRefreshToken(sys: TestSystem, token: string) {
  return fetch(`${sys.urls.issuer}/connect/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      token,
      client_id: 'interactive',
      token_type_hint: 'refresh_token',
    }).toString(),
  });
}

/**
 * Revoking a grant revokes the JWT access tokens already issued under it, at every resource
 * server, at once: each token names its grant (`gid`) and the revocation list holds revoked
 * grants until their last token would have expired.
 */
describe('grant revocation reaches JWT access tokens', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp', REFRESH_TOKEN_REUSE_GRACE: '0' } });
  });
  afterAll(() => sys?.close());

  const revoke = (token: string) => revokeRefreshToken(sys, token);

  it('revoking the refresh token revokes the access token of the same grant', async () => {
    const tokens = await codeFlow(sys);
    expect(decodeJwt(tokens.access_token).payload.gid).toEqual(expect.any(String));
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);

    expect((await revoke(tokens.refresh_token!)).status).toBe(200);
    const after = await getWeather(sys, tokens.access_token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('token revoked');
  });

  it('reusing a rotated refresh token (theft) kills the access tokens of the family', async () => {
    const tokens = await codeFlow(sys);
    const first = await tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: 'interactive',
    });
    const { access_token: current } = (await first.json()) as { access_token: string };
    expect((await getWeather(sys, current)).status).toBe(200);

    const replay = await tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: 'interactive',
    });
    expect(replay.status).toBe(400);
    expect((await getWeather(sys, current)).status).toBe(401);
  });

  it('revoking the user grant revokes tokens the MCP server obtained by exchange from it', async () => {
    const tokens = await codeFlow(sys, { resources: [`${sys.urls.mcp}/mcp`] });
    const exchange = await mcpServerExchange(sys, tokens.access_token);
    expect(exchange.status).toBe(200);
    const { access_token: exchanged } = (await exchange.json()) as { access_token: string };
    expect(decodeJwt(exchanged).payload.gid).toBe(decodeJwt(tokens.access_token).payload.gid);
    expect((await getWeather(sys, exchanged)).status).toBe(200);

    await revoke(tokens.refresh_token!);
    expect((await getWeather(sys, exchanged)).status).toBe(401);
  });

  it('revoking the MCP token itself (RFC 7009) revokes the tokens exchanged from it', async () => {
    const tokens = await codeFlow(sys, { resources: [`${sys.urls.mcp}/mcp`] });
    const exchange = async () => {
      const response = await mcpServerExchange(sys, tokens.access_token);
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const exchanged = (await exchange()).body.access_token!;
    expect((await getWeather(sys, exchanged)).status).toBe(200);

    const revoked = await fetch(`${sys.urls.issuer}/connect/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.access_token,
        client_id: 'interactive',
        token_type_hint: 'access_token',
      }).toString(),
    });
    expect(revoked.status).toBe(200);

    const after = await getWeather(sys, exchanged);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('token revoked');
    const introspected = await fetch(`${sys.urls.issuer}/connect/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth('mcp.server', 'mcp_server_dev_secret'),
      },
      body: new URLSearchParams({ token: exchanged }).toString(),
    });
    expect(await introspected.json()).toEqual({ active: false });
    // Nor can the revoked MCP token be exchanged again (RFC 8693 §2.2.2).
    expect(await exchange()).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('signing out at the end-session endpoint revokes the access tokens of the session', async () => {
    const browser = new TestBrowser();
    const tokens = await codeFlow(sys, { browser, scope: 'openid weatherget' });
    const logout = new URL(`${sys.urls.issuer}/connect/endsession`);
    logout.searchParams.set('id_token_hint', tokens.id_token!);
    // A hint for this session signs out without a confirmation page (RP-Initiated Logout §2).
    const done = await browser.navigate(logout.href, sys.urls.spa);
    expect(await done.response!.text()).toContain('You are signed out');
    expect((await getWeather(sys, tokens.access_token)).status).toBe(401);
  });
});

/**
 * An API may have its tokens live longer than ACCESS_TOKEN_TTL (APIS_FILE `tokenTtlSeconds`): a
 * revoked grant must stay on the list until such a token has expired, or the API accepts the
 * token again once the entry lapses.
 */
describe('a revoked grant outlives the longest token a configured API is issued', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startDayLongTokenSystem();
  });
  afterAll(() => sys?.close());

  it('keeps the grant on the revocation list until its day-long API token has expired', async () => {
    const { tokens, exp, gid } = await dayLongTokens(sys);

    expect((await revokeRefreshToken(sys, tokens.refresh_token!)).status).toBe(200);
    expect((await getWeather(sys, tokens.access_token)).status).toBe(401);
    await expectListedPast(sys, gid, exp);
  });
});
