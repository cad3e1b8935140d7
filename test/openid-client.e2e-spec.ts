import * as client from 'openid-client';
import { TestBrowser } from './support/browser';
import { getWeather } from './support/flows';
import { startTestSystem, TestSystem } from './support/system';

/**
 * openid-client is a certified relying party: it checks discovery, the RFC 9207 `iss`, the ID
 * token signature and claims, PKCE, and state. The confidential `mcpclient` goes through it.
 */
describe('openid-client as the relying party (mcpclient)', () => {
  let sys: TestSystem;
  let config: client.Configuration;
  const redirectUri = 'http://localhost:3334/oauth/callback';

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
    config = await client.discovery(
      new URL(sys.urls.issuer),
      'mcpclient',
      undefined,
      client.ClientSecretBasic('mcpclient_secret'),
      { execute: [client.allowInsecureRequests] },
    );
  });
  afterAll(() => sys?.close());

  async function signIn(extra: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email weatherget offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      resource: sys.urls.api,
      prompt: 'consent',
      state,
      nonce,
      ...extra,
    });
    const browser = new TestBrowser();
    const callback = await browser.authorize(url.href, { redirectUri: 'http://localhost:3334/' });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    return Object.assign(tokens, { browser });
  }

  it('completes code + PKCE, validates the ID token, and calls the API', async () => {
    const tokens = await signIn();
    expect(tokens.claims()).toMatchObject({
      sub: '818727',
      iss: sys.urls.issuer,
      aud: 'mcpclient',
    });
    expect(tokens.refresh_token).toBeDefined();
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
  });

  it('accepts the loopback callback on another port (RFC 8252 §7.3)', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const otherPort = 'http://localhost:49152/oauth/callback';
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: otherPort,
      scope: 'openid weatherget',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      resource: sys.urls.api,
    });
    const callback = await new TestBrowser().authorize(url.href, {
      redirectUri: 'http://localhost:49152/',
    });
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('iss')).toBe(sys.urls.issuer);
  });

  it('refreshes, introspects and revokes the refresh token', async () => {
    const tokens = await signIn();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, {
      resource: sys.urls.api,
    });
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    const active = await client.tokenIntrospection(config, refreshed.refresh_token!);
    expect(active).toMatchObject({ active: true, client_id: 'mcpclient', sub: '818727' });

    await client.tokenRevocation(config, refreshed.refresh_token!);
    expect(await client.tokenIntrospection(config, refreshed.refresh_token!)).toEqual({
      active: false,
    });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('introspects and revokes a JWT access token; the API then refuses it', async () => {
    const tokens = await signIn();
    const before = await client.tokenIntrospection(config, tokens.access_token);
    expect(before).toMatchObject({
      active: true,
      aud: sys.urls.api,
      sub: '818727',
      scope: 'weatherget',
    });

    await client.tokenRevocation(config, tokens.access_token);
    expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    const weather = await getWeather(sys, tokens.access_token);
    expect(weather.status).toBe(401);
    expect(weather.headers.get('www-authenticate')).toContain('token revoked');
  });

  it('does not let another client introspect or revoke the token', async () => {
    const tokens = await signIn();
    const other = await client.discovery(
      new URL(sys.urls.issuer),
      'm2m.client',
      undefined,
      client.ClientSecretBasic('511536EF-F270-4058-80CA-1C89C192F69A'),
      { execute: [client.allowInsecureRequests] },
    );
    expect(await client.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
    await client.tokenRevocation(other, tokens.access_token);
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
  });

  it('logs out through the end-session endpoint, after which sign-in asks for the password again', async () => {
    const tokens = await signIn();
    const { browser } = tokens;
    const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! });
    // The hint names this session's user and client: no "Sign out?" page (RP-Initiated Logout §2).
    const done = await browser.navigate(url.href, 'http://localhost:3334/');
    expect(await done.response!.text()).toContain('You are signed out');

    const again = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const next = await browser.navigate(again.href, 'http://localhost:3334/');
    expect(await next.response!.text()).toContain('name="password"');
  });
});
