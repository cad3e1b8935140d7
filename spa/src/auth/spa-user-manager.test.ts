import { OidcClient, User, UserManager } from 'oidc-client-ts';
import { decodeJwt } from './jwt';
import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../config/config';
import { MemoryDpopStore } from '../test/memory-dpop-store';
import { jsonResponse } from '../test/responses';
import { SessionExpiredError } from './session-expired';
import { SpaUserManager, userManagerSettings } from './spa-user-manager';

const config = resolveConfig({
  authority: 'http://auth.test',
  apiBaseUrl: 'http://api.test',
  mcpBaseUrl: 'http://mcp.test',
  scope: 'openid weather:alerts offline_access',
});
const SCOPE = 'openid weather:alerts offline_access';
const ORIGIN = 'http://spa.test';
const metadata = {
  issuer: 'http://auth.test',
  authorization_endpoint: 'http://auth.test/connect/authorize',
  token_endpoint: 'http://auth.test/connect/token',
  end_session_endpoint: 'http://auth.test/connect/endsession',
};

describe('the authorization request', () => {
  it('asks for both resources, PKCE S256, the configured scope and our redirect URI', async () => {
    const client = new OidcClient({
      ...userManagerSettings(config, ORIGIN, sessionStorage, new MemoryDpopStore()),
      metadata,
    });
    const request = await client.createSigninRequest({});
    const url = new URL(request.url);

    expect(`${url.origin}${url.pathname}`).toBe(metadata.authorization_endpoint);
    expect(url.searchParams.getAll('resource')).toEqual(['http://api.test', 'http://mcp.test/mcp']);
    expect(url.searchParams.get('client_id')).toBe('interactive');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')).toBe(SCOPE);
    expect(url.searchParams.get('redirect_uri')).toBe('http://spa.test/signin-oidc');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('binds the code to the DPoP key with dpop_jkt (RFC 9449 §10)', async () => {
    const settings = userManagerSettings(config, ORIGIN, sessionStorage, new MemoryDpopStore());
    const manager = new UserManager({ ...settings, metadata });
    const jkt = await manager.generateDPoPJkt(settings.dpop!);
    const client = new OidcClient({ ...settings, metadata });
    const url = new URL((await client.createSigninRequest({ dpopJkt: jkt! })).url);
    expect(url.searchParams.get('dpop_jkt')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('asks the token endpoint for the API token only, and keeps tokens in the given storage', () => {
    const settings = userManagerSettings(config, ORIGIN, sessionStorage, new MemoryDpopStore());
    expect(settings.extraTokenParams).toEqual({ resource: 'http://api.test' });
    expect(settings.post_logout_redirect_uri).toBe('http://spa.test/signout-callback-oidc');
    expect(settings.automaticSilentRenew).toBe(true);
  });
});

interface TokenCall {
  readonly grant: string | null;
  readonly refreshToken: string | null;
  readonly resources: string[];
  readonly clientId: string | null;
}

/** A token endpoint that rotates refresh tokens: rt-1 -> rt-2 -> rt-3, and rejects reuse. */
function rotatingTokenEndpoint() {
  const calls: TokenCall[] = [];
  const proofs: (string | null)[] = [];
  let current = 1;
  const respond = (input: RequestInfo | URL, init?: RequestInit): Response => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.endsWith('/.well-known/openid-configuration')) return jsonResponse(metadata);
    if (url !== metadata.token_endpoint) throw new Error(`unexpected fetch ${url}`);
    const body = new URLSearchParams(init?.body as URLSearchParams | string);
    const call: TokenCall = {
      grant: body.get('grant_type'),
      refreshToken: body.get('refresh_token'),
      resources: body.getAll('resource'),
      clientId: body.get('client_id'),
    };
    calls.push(call);
    proofs.push(new Headers(init?.headers).get('dpop'));
    if (call.refreshToken !== `rt-${current}`) {
      return jsonResponse(
        { error: 'invalid_grant', error_description: 'grant request is invalid' },
        { status: 400 },
      );
    }
    current += 1;
    return jsonResponse({
      access_token: `at-${call.resources.join(',')}-${current}`,
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token: `rt-${current}`,
      scope: 'api',
    });
  };
  const fetchFn = vi.fn<typeof fetch>((input, init) =>
    Promise.resolve().then(() => respond(input, init)),
  );
  return { fetchFn, calls, proofs };
}

async function signedInManager(fetchFn: typeof fetch, expiresIn = 300): Promise<SpaUserManager> {
  vi.stubGlobal('fetch', fetchFn);
  const manager = new SpaUserManager(
    config,
    ORIGIN,
    sessionStorage,
    fetchFn,
    new MemoryDpopStore(),
  );
  manager.stopSilentRenew();
  await manager.storeUser(
    new User({
      access_token: 'api-token',
      token_type: 'Bearer',
      refresh_token: 'rt-1',
      scope: SCOPE,
      profile: { sub: 'alice', iss: 'http://auth.test', aud: 'interactive', exp: 0, iat: 0 },
      expires_at: Math.floor(Date.now() / 1000) + expiresIn,
    }),
  );
  return manager;
}

describe('SpaUserManager.mcpToken', () => {
  it('presents the DPoP key at the token endpoint (RFC 9449 §5), keeping token_type', async () => {
    const { fetchFn, proofs } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);

    const token = await manager.mcpToken();

    const proof = decodeJwt(proofs[0] ?? '');
    expect(proof.header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC' } });
    expect(proof.claims).toMatchObject({ htm: 'POST', htu: metadata.token_endpoint });
    expect(proof.claims.ath).toBeUndefined();
    expect(token.tokenType).toBe('Bearer');
  });

  it('gets the MCP token with the refresh_token grant and stores the rotated refresh token', async () => {
    const { fetchFn, calls } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);

    const token = await manager.mcpToken();

    expect(calls).toEqual([
      {
        grant: 'refresh_token',
        refreshToken: 'rt-1',
        resources: ['http://mcp.test/mcp'],
        clientId: 'interactive',
      },
    ]);
    expect(token.accessToken).toBe('at-http://mcp.test/mcp-2');
    expect((await manager.getUser())?.refresh_token).toBe('rt-2');
    expect((await manager.getUser())?.access_token).toBe('api-token');
    expect(manager.mcpTokens.read()?.accessToken).toBe(token.accessToken);
  });

  it('reuses a fresh stored token without calling the AuthServer', async () => {
    const { fetchFn, calls } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);
    await manager.mcpToken();
    await manager.mcpToken();
    expect(calls).toHaveLength(1);
  });

  it('never presents the same refresh token twice, even when asked concurrently', async () => {
    const { fetchFn, calls } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);

    const [a, b] = await Promise.all([manager.mcpToken(true), manager.mcpToken(true)]);

    expect(calls.map((c) => c.refreshToken)).toEqual(['rt-1', 'rt-2']);
    expect(a.accessToken).not.toBe(b.accessToken);
    expect((await manager.getUser())?.refresh_token).toBe('rt-3');
  });

  it('renews the API token with resource=API, then the MCP token with the rotated refresh token', async () => {
    const { fetchFn, calls } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);

    const user = await manager.signinSilent();

    expect(calls.map((c) => [c.refreshToken, c.resources])).toEqual([
      ['rt-1', ['http://api.test']],
      ['rt-2', ['http://mcp.test/mcp']],
    ]);
    expect(user?.access_token).toBe('at-http://api.test-2');
    expect((await manager.getUser())?.refresh_token).toBe('rt-3');
    expect(manager.mcpTokens.read()?.accessToken).toBe('at-http://mcp.test/mcp-3');
  });

  it('surfaces invalid_grant as a TokenEndpointError with that code', async () => {
    const { fetchFn } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);
    const user = await manager.getUser();
    if (!user) throw new Error('no user');
    user.refresh_token = 'stolen';
    await manager.storeUser(user);

    await expect(manager.mcpToken()).rejects.toMatchObject({
      name: 'TokenEndpointError',
      code: 'invalid_grant',
    });
  });

  it('forgets the MCP token when the user is removed', async () => {
    const { fetchFn } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);
    await manager.mcpToken();
    await manager.removeUser();
    expect(manager.mcpTokens.read()).toBeUndefined();
  });
});

describe('SpaUserManager.apiCredential', () => {
  it('hands out a fresh API token without calling the AuthServer', async () => {
    const { fetchFn, calls } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);
    expect(await manager.apiCredential()).toEqual({ accessToken: 'api-token' });
    expect(calls).toHaveLength(0);
  });

  it('renews a token about to expire (a tab that slept through the timer) before handing it out', async () => {
    const { fetchFn, calls } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn, 10);
    expect((await manager.apiCredential()).accessToken).toBe('at-http://api.test-2');
    expect(calls.map((c) => c.resources)).toEqual([['http://api.test'], ['http://mcp.test/mcp']]);
  });

  it('throws SessionExpiredError when nobody is signed in', async () => {
    const { fetchFn } = rotatingTokenEndpoint();
    const manager = await signedInManager(fetchFn);
    await manager.removeUser();
    await expect(manager.apiCredential()).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(manager.mcpToken()).rejects.toBeInstanceOf(SessionExpiredError);
  });
});
