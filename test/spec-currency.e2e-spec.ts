import { TestBrowser } from './support/browser';
import { codeFlow, getWeather, tokenRequest, type TokenResponse } from './support/flows';
import { decodeJwt, pkcePair } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';
import { register } from './security/attack';

/**
 * What current clients send and expect, over real HTTP, where the specs leave the server a choice:
 * - An authorization request that names a resource but no scope gets that resource's scopes
 *   (RFC 6749 §3.3: a pre-defined default scope).
 * - Dynamic registration drops unknown scopes instead of refusing the client (RFC 7591 §2: the
 *   server may replace requested metadata).
 * - RP-initiated logout with a hint for the current session does not ask "Sign out?"
 *   (RP-Initiated Logout §2).
 */
describe('spec currency', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
  });
  afterAll(() => sys?.close());

  const mcpResource = () => `${sys.urls.mcp}/mcp`;
  const spaRedirect = () => `${sys.urls.spa}/signin-oidc`;

  /** Code flow as the SPA client, with the given parameters and no `scope` unless given. */
  async function authorizeAs(
    params: Record<string, string>,
    browser = new TestBrowser(),
  ): Promise<{ callback: URL; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const url = new URL(`${sys.urls.issuer}/connect/authorize`);
    url.search = new URLSearchParams({
      client_id: 'interactive',
      response_type: 'code',
      redirect_uri: spaRedirect(),
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...params,
    }).toString();
    const callback = await browser.authorize(url.href, { redirectUri: spaRedirect() });
    return { callback, verifier };
  }

  async function redeem(callback: URL, verifier: string, resource: string) {
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code: ${callback.href}`);
    const response = await tokenRequest(sys, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: spaRedirect(),
      code_verifier: verifier,
      client_id: 'interactive',
      resource,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as TokenResponse;
  }

  describe('an authorization request without scope', () => {
    it('gets the MCP server’s challenge scopes for the MCP resource, and no ID token', async () => {
      const { callback, verifier } = await authorizeAs({ resource: mcpResource() });
      expect(callback.searchParams.get('error')).toBeNull();
      const tokens = await redeem(callback, verifier, mcpResource());
      expect(tokens.scope).toBe('weatherget api');
      expect(tokens.id_token).toBeUndefined();
      expect(decodeJwt(tokens.access_token).payload).toMatchObject({
        aud: mcpResource(),
        scope: 'weatherget api',
      });
    });

    it('gets the API’s challenge scopes for the API, and the token reads forecasts', async () => {
      const { callback, verifier } = await authorizeAs({ resource: sys.urls.api });
      const tokens = await redeem(callback, verifier, sys.urls.api);
      expect(tokens.scope).toBe('weatherget api');
      expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
    });

    it('adds nothing to a request that has a scope (openid only when asked)', async () => {
      const { callback, verifier } = await authorizeAs({
        resource: sys.urls.api,
        scope: 'openid',
      });
      const tokens = await redeem(callback, verifier, sys.urls.api);
      expect(tokens.id_token).toEqual(expect.any(String));
      // openid is no API scope: the API token carries none, and no default was added.
      expect(tokens.scope).toBe('');
    });
  });

  describe('dynamic client registration', () => {
    const metadata = (scope: string) => ({
      client_name: 'narrowing test',
      redirect_uris: ['http://127.0.0.1:4999/callback'],
      token_endpoint_auth_method: 'none',
      scope,
    });

    it('drops unknown scopes and says so in the response (RFC 7591 §2, §3.2.1)', async () => {
      const answer = await register(sys, metadata('weatherget offline_access foo'));
      expect(answer.status).toBe(201);
      expect((JSON.parse(answer.text) as { scope: string }).scope).toBe(
        'weatherget offline_access',
      );
    });

    it('registers a client whose scopes are all unknown without any scope', async () => {
      const answer = await register(sys, metadata('foo bar'));
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.text)).not.toHaveProperty('scope');
    });

    it('still refuses what is not a scope list', async () => {
      const answer = await register(sys, { ...metadata('x'), scope: 42 });
      expect(answer.status).toBe(400);
      expect(answer.error).toBe('invalid_client_metadata');
    });
  });

  describe('RP-initiated logout', () => {
    const postLogout = () => `${sys.urls.spa}/signout-callback-oidc`;

    async function signedIn(username = 'alice') {
      const browser = new TestBrowser();
      const tokens = await codeFlow(sys, {
        browser,
        username,
        password: username,
        scope: 'openid weatherget offline_access',
      });
      return { browser, tokens };
    }

    function endSession(params: Record<string, string>): string {
      const url = new URL(`${sys.urls.issuer}/connect/endsession`);
      url.search = new URLSearchParams(params).toString();
      return url.href;
    }

    /** Whether the browser's session is alive: a prompt=none request gets a code. */
    async function sessionAlive(browser: TestBrowser): Promise<boolean> {
      const { challenge } = pkcePair();
      const url = new URL(`${sys.urls.issuer}/connect/authorize`);
      url.search = new URLSearchParams({
        client_id: 'interactive',
        response_type: 'code',
        redirect_uri: spaRedirect(),
        scope: 'openid weatherget',
        resource: sys.urls.api,
        prompt: 'none',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();
      const step = await browser.navigate(url.href, spaRedirect());
      return new URL(step.url).searchParams.has('code');
    }

    it('signs out at once with a hint for this session: no "Sign out?" page', async () => {
      const { browser, tokens } = await signedIn();
      expect(await sessionAlive(browser)).toBe(true);

      const response = await browser.request(
        endSession({
          id_token_hint: tokens.id_token!,
          post_logout_redirect_uri: postLogout(),
          state: 'bye',
        }),
      );
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(postLogout());
      expect(location.searchParams.get('state')).toBe('bye');

      expect(await sessionAlive(browser)).toBe(false);
      const refreshed = await tokenRequest(sys, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: 'interactive',
      });
      expect(refreshed.status).toBe(400);
    });

    it('still asks without a hint (a cross-site GET must not sign anyone out)', async () => {
      const { browser } = await signedIn();
      const response = await browser.request(endSession({ client_id: 'interactive' }));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Sign out?');
      expect(await sessionAlive(browser)).toBe(true);
    });

    it('still asks when the hint is another user’s', async () => {
      const { browser } = await signedIn('alice');
      const { tokens: bobs } = await signedIn('bob');
      const response = await browser.request(endSession({ id_token_hint: bobs.id_token! }));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Sign out?');
      expect(await sessionAlive(browser)).toBe(true);
    });

    it('refuses a forged hint with an error, and the session lives on', async () => {
      const { browser, tokens } = await signedIn();
      const [header, payload] = tokens.id_token!.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(342)}`;
      const response = await browser.request(endSession({ id_token_hint: forged }));
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain('Sign out?');
      expect(await sessionAlive(browser)).toBe(true);
    });
  });
});
