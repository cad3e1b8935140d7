import { exportJWK, generateKeyPair } from 'jose';
import { dpopProof, newDpopKey, type DpopKey, type ProofOptions } from '../support/dpop';
import { codeFlow, mcpClientFlow, tokenRequest, type TokenResponse } from '../support/flows';
import { mcpInitialize, postMcp } from '../support/mcp';
import { basicAuth, decodeJwt } from '../support/pkce';
import { proves } from '../support/proves';
import { startTestSystem, type TestSystem } from '../support/system';
import { registered } from './attack';

const M2M_SECRET = '511536EF-F270-4058-80CA-1C89C192F69A';

/**
 * DPoP (RFC 9449) across the system over real HTTP: the AuthServer binds tokens to the key of
 * the token request's proof (§5), and the API and MCP server accept a bound token only under
 * the DPoP scheme with a fresh, single-use proof of that key for that request (§4.3, §7.1).
 */
describe('DPoP-bound access tokens', () => {
  let sys: TestSystem;
  let key: DpopKey;
  let apiBound: TokenResponse;
  const summaries = () => `${sys.urls.api}/WeatherForecast/summaries`;
  const challenge = (response: Response) => response.headers.get('www-authenticate') ?? '';

  const clientCredentials = async (dpop?: DpopKey): Promise<TokenResponse> => {
    const response = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'api' },
      basicAuth('m2m.client', M2M_SECRET),
      dpop ? { dpop: await dpopProof(dpop, 'POST', `${sys.urls.issuer}/connect/token`) } : {},
    );
    if (response.status !== 200)
      throw new Error(`token: ${response.status} ${await response.text()}`);
    return (await response.json()) as TokenResponse;
  };

  /** GET summaries with the bound token and a proof made by `options` (ath set unless told). */
  const callApi = async (
    options: ProofOptions & { key?: DpopKey; htm?: string; htu?: string } = {},
  ) =>
    fetch(summaries(), {
      headers: {
        authorization: `DPoP ${apiBound.access_token}`,
        dpop: await dpopProof(options.key ?? key, options.htm ?? 'GET', htuOf(options.htu), {
          accessToken: apiBound.access_token,
          ...options,
        }),
      },
    });

  /** A path names a URL of the API's public origin. */
  const htuOf = (htu: string | undefined) =>
    htu === undefined ? summaries() : htu.startsWith('/') ? `${sys.urls.api}${htu}` : htu;

  const expectProofRefused = async (response: Response, description?: RegExp) => {
    expect(response.status).toBe(401);
    expect(challenge(response)).toMatch(/^DPoP error="invalid_dpop_proof"/);
    expect(challenge(response)).toContain(
      `resource_metadata="${sys.urls.api}/.well-known/oauth-protected-resource"`,
    );
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_dpop_proof');
    if (description) expect(body.error_description).toMatch(description);
  };

  const expectBoundAsBearerRefused = (response: Response) => {
    expect(response.status).toBe(401);
    expect(challenge(response)).toMatch(/^Bearer error="invalid_token"/);
    expect(challenge(response)).toMatch(/, DPoP error="invalid_token", [^,]+, algs="[^"]*ES256/);
  };

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
    key = await newDpopKey();
    apiBound = await clientCredentials(key);
  });
  afterAll(() => sys?.close());

  it('advertises asymmetric proof algorithms only (RFC 9449 §5.1, §11.6)', async () => {
    const discovery = (await (
      await fetch(`${sys.urls.issuer}/.well-known/openid-configuration`)
    ).json()) as { dpop_signing_alg_values_supported: string[] };
    const algs = discovery.dpop_signing_alg_values_supported;
    expect(algs).toContain('ES256');
    expect(algs.filter((alg) => /^(HS|none)/i.test(alg))).toEqual([]);
  });

  it('binds the token to the proof key: token_type DPoP and cnf.jkt', () => {
    proves('mcp-auth-ext/as/dpop');
    expect(apiBound.token_type).toBe('DPoP');
    expect(decodeJwt(apiBound.access_token).payload.cnf).toEqual({ jkt: key.thumbprint });
  });

  it('admits the bound token with a proof, and ignores the query in htu', async () => {
    expect((await callApi()).status).toBe(200);
    const withQuery = await fetch(`${summaries()}?x=1`, {
      headers: {
        authorization: `DPoP ${apiBound.access_token}`,
        dpop: await dpopProof(key, 'GET', summaries(), { accessToken: apiBound.access_token }),
      },
    });
    expect(withQuery.status).toBe(200);
  });

  it('refuses the same proof twice with invalid_dpop_proof (RFC 9449 §11.1)', async () => {
    const proof = await dpopProof(key, 'GET', summaries(), { accessToken: apiBound.access_token });
    const send = () =>
      fetch(summaries(), {
        headers: { authorization: `DPoP ${apiBound.access_token}`, dpop: proof },
      });
    expect((await send()).status).toBe(200);
    await expectProofRefused(await send(), /used before/);
  });

  it('refuses the bound token presented as a Bearer token (RFC 9449 §7.2)', async () => {
    proves('mcp-auth-ext/as/dpop');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(summaries(), {
        headers: { authorization: `Bearer ${apiBound.access_token}` },
      });
      expectBoundAsBearerRefused(response);
    }
  });

  it.each<[string, ProofOptions & { htm?: string; htu?: string }, RegExp]>([
    ['another method (htm)', { htm: 'POST' }, /htm/],
    ['another URL (htu)', { htu: '/WeatherForecast' }, /htu/],
    ['the internal URL (htu)', { htu: 'http://127.0.0.1:1/WeatherForecast/summaries' }, /htu/],
    ['another token (ath)', { accessToken: 'another-token' }, /ath/],
    ['no ath', { claims: { ath: undefined } }, /ath/],
    ['iat in the future', { iat: Math.floor(Date.now() / 1000) + 600 }, /iat/],
    ['iat in the past', { iat: Math.floor(Date.now() / 1000) - 600 }, /iat/],
    ['typ jwt', { header: { typ: 'JWT' } }, /typ/],
  ])('refuses a proof naming %s', async (_name, options, description) => {
    await expectProofRefused(await callApi(options), description);
  });

  it('refuses hostile proofs before doing work on them', async () => {
    const send = (proof: string) =>
      fetch(summaries(), {
        headers: { authorization: `DPoP ${apiBound.access_token}`, dpop: proof },
      });
    const valid = await dpopProof(key, 'GET', summaries(), { accessToken: apiBound.access_token });
    const [header, payload] = valid.split('.');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk })}.${payload}.`;
    const hs256 = `${b64({ typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } })}.${payload}.c2ln`;
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const withPrivate = await dpopProof(key, 'GET', summaries(), {
      accessToken: apiBound.access_token,
      header: { jwk: await exportJWK(privateKey) },
    });

    await expectProofRefused(await send(`${header}.${'a'.repeat(5_000)}.x`), /too large/);
    await expectProofRefused(await send(none), /alg/);
    await expectProofRefused(await send(hs256), /alg/);
    await expectProofRefused(await send(withPrivate), /public/);
    await expectProofRefused(await send('not a jwt'), /not a JWT/);
    await expectProofRefused(await send(`${header}.${payload}.AAAA`), /signature/);
  });

  it('refuses a proof by another key than the bound one', async () => {
    proves('mcp-auth-ext/as/dpop');
    const response = await callApi({ key: await newDpopKey() });
    expect(response.status).toBe(401);
    expect(challenge(response)).toMatch(/DPoP error="invalid_token"/);
  });

  it('refuses the DPoP scheme without a proof, and with an unbound token', async () => {
    const withoutProof = await fetch(summaries(), {
      headers: { authorization: `DPoP ${apiBound.access_token}` },
    });
    await expectProofRefused(withoutProof, /required/);

    const unbound = await clientCredentials();
    const response = await fetch(summaries(), {
      headers: {
        authorization: `DPoP ${unbound.access_token}`,
        dpop: await dpopProof(key, 'GET', summaries(), { accessToken: unbound.access_token }),
      },
    });
    expect(response.status).toBe(401);
    expect(challenge(response)).toMatch(/DPoP error="invalid_token"/);
  });

  it('still admits an unbound token as a Bearer token, with a DPoP challenge beside', async () => {
    const unbound = await clientCredentials();
    expect(unbound.token_type).toBe('Bearer');
    const ok = await fetch(summaries(), {
      headers: { authorization: `Bearer ${unbound.access_token}` },
    });
    expect(ok.status).toBe(200);
    const anonymous = await fetch(summaries());
    expect(challenge(anonymous)).toMatch(
      /^Bearer scope="[^"]*", resource_metadata="[^"]+", DPoP algs="/,
    );
  });

  it('admits a DPoP-bound token for the MCP server with a proof for its public URL', async () => {
    const mcpKey = await newDpopKey();
    const bound = await mcpClientFlow(sys, 'openid weatherget', { dpop: mcpKey });
    expect(bound.token_type).toBe('DPoP');
    const response = await postMcp(sys, mcpInitialize(), {
      authorization: `DPoP ${bound.access_token}`,
      dpop: await dpopProof(mcpKey, 'POST', `${sys.urls.mcp}/mcp`, {
        accessToken: bound.access_token,
      }),
    });
    expect(response.status).toBe(200);
    expectBoundAsBearerRefused(
      await postMcp(sys, mcpInitialize(), { authorization: `Bearer ${bound.access_token}` }),
    );
  });

  it('refuses an unbound token to a client registered with dpop_bound_access_tokens (RFC 9449 §5.2)', async () => {
    proves('mcp-auth-ext/as/dpop');
    const redirectUri = 'http://127.0.0.1:3999/cb';
    const { client_id: clientId } = await registered(sys, {
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
    });
    const flow = { clientId, redirectUri, scope: 'openid weatherget', resources: [sys.urls.api] };
    await expect(codeFlow(sys, flow)).rejects.toThrow(/token request failed: 400 .*invalid_grant/);
    const clientKey = await newDpopKey();
    const bound = await codeFlow(sys, { ...flow, dpop: clientKey });
    expect(bound.token_type).toBe('DPoP');
    expect(decodeJwt(bound.access_token).payload.cnf).toEqual({ jkt: clientKey.thumbprint });
  });
});
