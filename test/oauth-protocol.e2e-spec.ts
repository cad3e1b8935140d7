import { TestBrowser } from './support/browser';
import { codeFlow, tokenRequest } from './support/flows';
import { basicAuth, decodeJwt, pkcePair } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';
import { proves } from './support/proves';

/** The refusals RFC 6749 / RFC 7636 / OAuth 2.1 require, each with its standard error. */
describe('OAuth protocol rules at the AuthServer', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
  });
  afterAll(() => sys?.close());

  const redirectUri = () => `${sys.urls.spa}/signin-oidc`;

  function authorizeUrl(params: Record<string, string | undefined>): string {
    const url = new URL(`${sys.urls.issuer}/connect/authorize`);
    const all: Record<string, string | undefined> = {
      client_id: 'interactive',
      response_type: 'code',
      redirect_uri: redirectUri(),
      scope: 'openid weatherget',
      resource: sys.urls.api,
      state: 's',
      ...params,
    };
    for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
    return url.href;
  }

  /** A fresh browser at the login page of a valid PKCE authorization request. */
  async function openLogin() {
    const browser = new TestBrowser();
    const { challenge } = pkcePair();
    const step = await browser.navigate(
      authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }),
      redirectUri(),
    );
    return { browser, step };
  }

  /** Logs in and returns the code, for the given PKCE challenge. */
  async function codeFor(challenge: string): Promise<string> {
    const callback = await new TestBrowser().authorize(
      authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }),
      { redirectUri: redirectUri() },
    );
    return callback.searchParams.get('code')!;
  }

  it('advertises what strict clients check', async () => {
    proves(
      'mcp-auth-2025-06-18/as/metadata',
      'mcp-auth-2025-11-25/as/metadata',
      'mcp-auth-2026-07-28/as/metadata',
      'mcp-auth-2025-11-25/as/oidc-pkce-metadata',
      'mcp-auth-2026-07-28/as/oidc-pkce-metadata',
      'mcp-auth-2026-07-28/as/iss-advertised',
      'mcp-auth-2026-07-28/as/issuer-identical',
    );
    for (const path of [
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ]) {
      const response = await fetch(sys.urls.issuer + path);
      expect(response.status).toBe(200);
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer: sys.urls.issuer,
        code_challenge_methods_supported: ['S256'],
        response_types_supported: ['code'],
        authorization_response_iss_parameter_supported: true,
        jwks_uri: `${sys.urls.issuer}/.well-known/openid-configuration/jwks`,
        token_endpoint: `${sys.urls.issuer}/connect/token`,
        registration_endpoint: `${sys.urls.issuer}/connect/register`,
        introspection_endpoint: `${sys.urls.issuer}/connect/introspect`,
        revocation_endpoint: `${sys.urls.issuer}/connect/revocation`,
        end_session_endpoint: `${sys.urls.issuer}/connect/endsession`,
        userinfo_endpoint: `${sys.urls.issuer}/connect/userinfo`,
      });
      expect(metadata.scopes_supported).toEqual(
        expect.arrayContaining([
          'openid',
          'profile',
          'email',
          'api',
          'weatherget',
          'offline_access',
        ]),
      );
    }
  });

  it('refuses an authorization request without PKCE', async () => {
    proves(
      'mcp-auth-2025-06-18/as/pkce',
      'mcp-auth-2025-11-25/as/pkce',
      'mcp-auth-2026-07-28/as/pkce',
      'mcp-auth-2026-07-28/as/iss-on-error',
    );
    const step = await new TestBrowser().navigate(authorizeUrl({}), redirectUri());
    const callback = new URL(step.url);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
    // RFC 9207: the issuer is named in error responses too.
    expect(callback.searchParams.get('iss')).toBe(sys.urls.issuer);
  });

  it('refuses plain PKCE', async () => {
    proves(
      'mcp-auth-2025-06-18/as/pkce',
      'mcp-auth-2025-11-25/as/pkce',
      'mcp-auth-2026-07-28/as/pkce',
    );
    const step = await new TestBrowser().navigate(
      authorizeUrl({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }),
      redirectUri(),
    );
    expect(new URL(step.url).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses an unregistered redirect_uri without redirecting to it', async () => {
    proves(
      'mcp-auth-2025-06-18/as/exact-redirect',
      'mcp-auth-2025-11-25/as/exact-redirect',
      'mcp-auth-2026-07-28/as/exact-redirect',
      'mcp-auth-2025-06-18/as/no-open-redirect',
      'mcp-auth-2025-11-25/as/no-open-redirect',
      'mcp-auth-2026-07-28/as/no-open-redirect',
    );
    const { challenge } = pkcePair();
    const step = await new TestBrowser().navigate(
      authorizeUrl({
        redirect_uri: 'https://evil.example/cb',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      'https://evil.example',
    );
    expect(step.response?.status).toBe(400);
    expect(step.response!.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await step.response!.text();
    expect(html).toContain('redirect_uri');
    expect(step.url.startsWith('https://evil.example')).toBe(false);
  });

  it('refuses a wrong code_verifier, then a replayed code', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    const base = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: 'interactive',
    };

    const wrong = await tokenRequest(sys, { ...base, code_verifier: pkcePair().verifier });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });

    // A failed PKCE check consumes nothing: RFC 7636 only says the request fails. A second
    // attempt with the right verifier works once, and only once.
    const code2 = await codeFor(challenge);
    const ok = await tokenRequest(sys, { ...base, code: code2, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const replay = await tokenRequest(sys, { ...base, code: code2, code_verifier: verifier });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a token request without code_verifier', async () => {
    const { challenge } = pkcePair();
    const code = await codeFor(challenge);
    const response = await tokenRequest(sys, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: 'interactive',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an unknown resource with invalid_target', async () => {
    proves(
      'mcp-auth-2025-06-18/as/resource-audience',
      'mcp-auth-2025-11-25/as/resource-audience',
      'mcp-auth-2026-07-28/as/resource-audience',
    );
    const response = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'api', resource: 'https://elsewhere.example/' },
      basicAuth('m2m.client', '511536EF-F270-4058-80CA-1C89C192F69A'),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('shows a clear message on a wrong password, then lets the user in', async () => {
    const { browser, step } = await openLogin();
    const loginHtml = await step.response!.text();
    const wrong = await browser.submit(
      step.url,
      loginHtml,
      { username: 'alice', password: 'nope', action: 'login' },
      redirectUri(),
    );
    expect(wrong.response?.status).toBe(401);
    const wrongHtml = await wrong.response!.text();
    expect(wrongHtml).toContain('Wrong username or password.');
    expect(wrongHtml).toContain('value="alice"');
  });

  it('names the client, the scopes and the resources on the consent page', async () => {
    const browser = new TestBrowser();
    const { challenge } = pkcePair();
    const url = new URL(
      authorizeUrl({
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'openid email weatherget',
      }),
    );
    url.searchParams.append('resource', `${sys.urls.mcp}/mcp`);
    const step = await browser.navigate(url.href, redirectUri());
    const consent = await browser.submit(
      step.url,
      await step.response!.text(),
      { username: 'alice', password: 'alice', action: 'login' },
      redirectUri(),
    );
    // A framed consent page would let another site trick a click on "Allow".
    expect(consent.response!.headers.get('x-frame-options')).toBe('DENY');
    expect(consent.response!.headers.get('content-security-policy')).toContain(
      "frame-ancestors 'none'",
    );
    const html = await consent.response!.text();
    expect(html).toContain('Weather SPA');
    expect(html).toContain('Alice Smith');
    expect(html).toContain('<code>email</code>');
    expect(html).toContain('<code>weatherget</code>');
    expect(html).toContain(`<code>${sys.urls.api}</code>`);
    expect(html).toContain(`<code>${sys.urls.mcp}/mcp</code>`);
    expect(html).toMatch(/name="csrf" value="[\w-]{43}"/);
  });

  it('makes a password guesser wait after five failures, even with the right password next', async () => {
    const { browser, step } = await openLogin();
    let html = await step.response!.text();
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await browser.submit(
        step.url,
        html,
        { username: 'bob', password: `guess-${attempt}`, action: 'login' },
        redirectUri(),
      );
      expect(wrong.response?.status).toBe(401);
      html = await wrong.response!.text();
    }
    const right = await browser.submit(
      step.url,
      html,
      { username: 'bob', password: 'bob', action: 'login' },
      redirectUri(),
    );
    expect(right.response?.status).toBe(429);
    expect(Number(right.response!.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(await right.response!.text()).toContain(
      'Too many failed sign-ins. Try again in 15 minutes.',
    );
  });

  it('refuses a login form without the CSRF token', async () => {
    const { browser, step } = await openLogin();
    const action = /action="([^"]+)"/.exec(await step.response!.text())![1]!;
    const response = await browser.request(new URL(action, step.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=alice&action=login&csrf=forged',
    });
    expect(response.status).toBe(403);
  });

  it('puts profile claims in the ID token and serves userinfo for an opaque userinfo token', async () => {
    const tokens = await codeFlow(sys, { resources: [], scope: 'openid profile email' });
    const id = decodeJwt(tokens.id_token!).payload;
    expect(id).toMatchObject({
      iss: sys.urls.issuer,
      aud: 'interactive',
      sub: '818727',
      name: 'Alice Smith',
      email: 'AliceSmith@example.com',
    });
    const userinfo = await fetch(`${sys.urls.issuer}/connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: '818727', preferred_username: 'alice' });
  });
});
