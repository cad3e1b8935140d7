import { startTestSystem, TestSystem } from '../support/system';
import { answer, authorizeUrl, registered } from './attack';

/**
 * Where the AuthServer sends a browser it has not yet shown a page (RFC 9700 §4.11.2: an
 * authorization server must not become an open redirector).
 * Each case is one authorization request; the answer is either our own error page (400, no
 * Location) or a redirect whose target and error code are asserted.
 */
describe('authorization redirects', () => {
  let sys: TestSystem;
  let evil: string;
  let webLoopback: string;
  let nativeLoopback: string;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth' } });
    ({ client_id: evil } = await registered(sys, {
      client_name: 'Totally the weather app',
      redirect_uris: ['https://evil.example/cb'],
      token_endpoint_auth_method: 'none',
    }));
    ({ client_id: webLoopback } = await registered(sys, {
      redirect_uris: ['http://127.0.0.1:4100/cb'],
      token_endpoint_auth_method: 'none',
    }));
    ({ client_id: nativeLoopback } = await registered(sys, {
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1:4100/cb'],
      token_endpoint_auth_method: 'none',
    }));
  });
  afterAll(() => sys?.close());

  // Every row has four members: Jest hands a test with more parameters than its row a `done`.
  type Params = () => Record<string, string | undefined>;
  type Case = [string, Params, 'page' | 'redirect' | 'sign-in', string | undefined];
  const cases: Case[] = [
    // RFC 9700 §4.11.2: no automatic redirect to a URI anyone could have registered.
    [
      'a registered client without PKCE gets our page, not a redirect to evil.example',
      () => ({
        client_id: evil,
        redirect_uri: 'https://evil.example/cb',
        code_challenge: undefined,
      }),
      'page',
      'invalid_request',
    ],
    [
      'a registered client with prompt=none and no session gets our page',
      () => ({ client_id: evil, redirect_uri: 'https://evil.example/cb', prompt: 'none' }),
      'page',
      'login_required',
    ],
    [
      'a registered client asking for an unknown resource gets our page',
      () => ({ client_id: evil, redirect_uri: 'https://evil.example/cb', resource: 'https://x/' }),
      'page',
      'invalid_target',
    ],
    [
      'the configured SPA without PKCE still gets the error at its redirect URI',
      () => ({
        client_id: 'interactive',
        redirect_uri: `${sys.urls.spa}/signin-oidc`,
        code_challenge: undefined,
      }),
      'redirect',
      'invalid_request',
    ],
    // RFC 8252 §7.3 port variance is for native apps only; a web client's URI must match exactly.
    [
      'the web SPA on another loopback port is refused',
      () => ({ client_id: 'interactive', redirect_uri: 'http://localhost:7777/signin-oidc' }),
      'page',
      'invalid_redirect_uri',
    ],
    [
      'a registered web client on another loopback port is refused',
      () => ({ client_id: webLoopback, redirect_uri: 'http://127.0.0.1:5999/cb' }),
      'page',
      'invalid_redirect_uri',
    ],
    [
      'a registered native client on another loopback port signs in',
      () => ({ client_id: nativeLoopback, redirect_uri: 'http://127.0.0.1:5999/cb' }),
      'sign-in',
      undefined,
    ],
    [
      'the configured native MCP client on another loopback port signs in',
      () => ({ client_id: 'mcpclient', redirect_uri: 'http://localhost:45678/oauth/callback' }),
      'sign-in',
      undefined,
    ],
  ];

  it.each(cases)('%s', async (_case, params, expected, error) => {
    const result = await answer(authorizeUrl(sys, params()));
    const location = result.headers.get('location') ?? '';
    switch (expected) {
      case 'page':
        expect({ status: result.status, location, error: result.error }).toEqual({
          status: 400,
          location: '',
          error,
        });
        break;
      case 'redirect':
        expect(location.startsWith(params().redirect_uri!)).toBe(true);
        expect(result.error).toBe(error);
        break;
      case 'sign-in':
        expect(result.status).toBe(303);
        expect(new URL(location, sys.urls.issuer).pathname).toMatch(/^\/interaction\//);
        break;
    }
  });
});
