import { dpopProof, newDpopKey, type DpopKey } from '../support/dpop';
import { mcpClientFlow, tokenRequest, type TokenResponse } from '../support/flows';
import { mcpInitialize, postMcp } from '../support/mcp';
import { basicAuth, decodeJwt } from '../support/pkce';
import { startTestSystem, type TestSystem } from '../support/system';

const M2M_SECRET = '511536EF-F270-4058-80CA-1C89C192F69A';

/**
 * oidc-provider binds an access token to the client's key when the token request carries a
 * DPoP proof (RFC 9449 §5: `token_type` DPoP, `cnf.jkt` in the token). Until the resource
 * servers check DPoP proofs, such a token must be refused, never taken as a bearer token: a
 * stolen bound token would otherwise work without the key the binding names (RFC 9449 §7.2).
 */
describe('sender-constrained (DPoP-bound) access tokens at the resource servers', () => {
  let sys: TestSystem;
  let dpopAlgs: string;
  let key: DpopKey;
  let apiBound: TokenResponse;
  let mcpBound: TokenResponse;
  const summaries = () => `${sys.urls.api}/WeatherForecast/summaries`;
  const challenge = (response: Response) => response.headers.get('www-authenticate') ?? '';

  const clientCredentials = async (dpop?: DpopKey): Promise<TokenResponse> => {
    const tokenUrl = `${sys.urls.issuer}/connect/token`;
    const response = await tokenRequest(
      sys,
      { grant_type: 'client_credentials', scope: 'api' },
      basicAuth('m2m.client', M2M_SECRET),
      dpop ? { dpop: await dpopProof(dpop, 'POST', tokenUrl) } : {},
    );
    if (response.status !== 200)
      throw new Error(`token: ${response.status} ${await response.text()}`);
    return (await response.json()) as TokenResponse;
  };

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
    const discovery = (await (
      await fetch(`${sys.urls.issuer}/.well-known/openid-configuration`)
    ).json()) as { dpop_signing_alg_values_supported: string[] };
    dpopAlgs = discovery.dpop_signing_alg_values_supported.join(' ');
    key = await newDpopKey();
    apiBound = await clientCredentials(key);
    mcpBound = await mcpClientFlow(sys, 'openid weatherget', { dpop: key });
  });
  afterAll(() => sys?.close());

  /** 401 invalid_token, the Bearer challenge as always, and a DPoP challenge (RFC 9449 §7.1). */
  const expectDpopRefusal = async (response: Response, metadataUrl: string) => {
    expect(response.status).toBe(401);
    const header = challenge(response);
    expect(header).toMatch(
      new RegExp(
        `^Bearer error="invalid_token", error_description="[^"]*sender-constrained[^"]*", scope="weatherget", resource_metadata="${metadataUrl}"`,
      ),
    );
    expect(header).toMatch(
      new RegExp(
        `, DPoP error="invalid_token", error_description="[^"]*sender-constrained[^"]*", algs="${dpopAlgs}"$`,
      ),
    );
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body).toMatchObject({ error: 'invalid_token' });
    expect(body.error_description).toContain('sender-constrained');
  };

  it('gets DPoP-bound tokens from the AuthServer, bound to the proof key', () => {
    expect(dpopAlgs).toContain('ES256');
    for (const bound of [apiBound, mcpBound]) {
      expect(bound.token_type).toBe('DPoP');
      expect(decodeJwt(bound.access_token).payload.cnf).toEqual({ jkt: key.thumbprint });
    }
  });

  it('the API refuses a DPoP-bound token presented as a Bearer token, every time', async () => {
    const apiMetadata = `${sys.urls.api}/.well-known/oauth-protected-resource`;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(summaries(), {
        headers: { authorization: `Bearer ${apiBound.access_token}` },
      });
      await expectDpopRefusal(response, apiMetadata);
    }
  });

  it('the MCP server refuses a DPoP-bound token presented as a Bearer token', async () => {
    const response = await postMcp(sys, mcpInitialize(), {
      authorization: `Bearer ${mcpBound.access_token}`,
    });
    await expectDpopRefusal(response, `${sys.urls.mcp}/.well-known/oauth-protected-resource/mcp`);
  });

  it('answers the DPoP scheme, proof and all, with the same refusal', async () => {
    const atApi = await fetch(summaries(), {
      headers: {
        authorization: `DPoP ${apiBound.access_token}`,
        dpop: await dpopProof(key, 'GET', summaries()),
      },
    });
    await expectDpopRefusal(atApi, `${sys.urls.api}/.well-known/oauth-protected-resource`);

    const atMcp = await postMcp(sys, mcpInitialize(), {
      authorization: `DPoP ${mcpBound.access_token}`,
      dpop: await dpopProof(key, 'POST', `${sys.urls.mcp}/mcp`),
    });
    await expectDpopRefusal(atMcp, `${sys.urls.mcp}/.well-known/oauth-protected-resource/mcp`);
  });

  it('still admits an unbound token from the same client', async () => {
    const unbound = await clientCredentials();
    expect(unbound.token_type).toBe('Bearer');
    const response = await fetch(summaries(), {
      headers: { authorization: `Bearer ${unbound.access_token}` },
    });
    expect(response.status).toBe(200);
  });
});
