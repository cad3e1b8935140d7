import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as client from 'openid-client';
import { TestBrowser } from './support/browser';
import { decodeJwt } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';

/**
 * openid-client's DPoP support (RFC 9449) against the AuthServer: the code grant and every
 * refresh return tokens bound to the client's key, the refresh token stays bound to it (§5:
 * a public client's refresh token is bound), and the API takes the access token with proofs
 * that openid-client makes for it.
 */
describe('openid-client with DPoP (public client interactive)', () => {
  let sys: TestSystem;
  let config: client.Configuration;
  let keyPair: client.CryptoKeyPair;
  let jkt: string;
  let tokens: client.TokenEndpointResponse;
  const redirectUri = () => `${sys.urls.spa}/signin-oidc`;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
    config = await client.discovery(
      new URL(sys.urls.issuer),
      'interactive',
      undefined,
      client.None(),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    keyPair = await client.randomDPoPKeyPair('ES256');
    jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(),
      scope: 'openid weatherget offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      resource: sys.urls.api,
      prompt: 'consent',
      state,
    });
    const callback = await new TestBrowser().authorize(url.href, { redirectUri: redirectUri() });
    tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: verifier, expectedState: state },
      undefined,
      { DPoP: client.getDPoPHandle(config, keyPair) },
    );
  });
  afterAll(() => sys?.close());

  const callApi = (accessToken: string) =>
    client.fetchProtectedResource(
      config,
      accessToken,
      new URL(`${sys.urls.api}/WeatherForecast`),
      'GET',
      undefined,
      undefined,
      { DPoP: client.getDPoPHandle(config, keyPair) },
    );

  it('gets a DPoP-bound access token and a refresh token', async () => {
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).payload.cnf).toEqual({ jkt });
    expect(tokens.refresh_token).toBeDefined();
    expect((await callApi(tokens.access_token)).status).toBe(200);
  });

  it('refreshes with a proof by the same key, and the new token is bound too', async () => {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, {
      DPoP: client.getDPoPHandle(config, keyPair),
    });
    expect(refreshed.token_type).toBe('dpop');
    expect(decodeJwt(refreshed.access_token).payload.cnf).toEqual({ jkt });
    expect((await callApi(refreshed.access_token)).status).toBe(200);
    tokens = refreshed;
  });

  it('refuses to refresh the bound refresh token without a proof, or with another key', async () => {
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const other = await client.randomDPoPKeyPair('ES256');
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token!, undefined, {
        DPoP: client.getDPoPHandle(config, other),
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
