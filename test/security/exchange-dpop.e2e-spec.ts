import { exportJWK, generateKeyPair } from 'jose';
import { dpopProof, newDpopKey, type DpopKey, type ProofOptions } from '../support/dpop';
import { codeFlow, mcpServerExchange, tokenExchangeForm } from '../support/flows';
import { basicAuth, decodeJwt } from '../support/pkce';
import { startTestSystem, type TestSystem } from '../support/system';

const MCP_SERVER = basicAuth('mcp.server', 'mcp_server_dev_secret');

/**
 * DPoP (RFC 9449 §5) at the token exchange grant (RFC 8693), which oidc-provider does not
 * handle for custom grants: with server nonces required (§8), the MCP server's exchange gets a
 * token bound to its proof key only with a fresh, single-use, well-formed proof for the token
 * endpoint that carries the nonce the AuthServer handed out.
 */
describe('DPoP at the token exchange, with server nonces required', () => {
  let sys: TestSystem;
  let key: DpopKey;
  let subjectToken: string;
  const tokenEndpoint = () => `${sys.urls.issuer}/connect/token`;

  const exchange = (proof?: string) =>
    mcpServerExchange(sys, subjectToken, proof ? { dpop: proof } : {});

  /** The nonce the AuthServer asks for, from a refused first attempt. */
  const currentNonce = async (): Promise<string> => {
    const refused = await exchange(await dpopProof(key, 'POST', tokenEndpoint()));
    const nonce = refused.headers.get('dpop-nonce');
    if (!nonce) throw new Error(`no DPoP-Nonce: ${refused.status} ${await refused.text()}`);
    return nonce;
  };

  /** A proof for the token endpoint with the current nonce, changed by `options`. */
  const proofWithNonce = async (options: ProofOptions & { htu?: string } = {}) =>
    dpopProof(key, 'POST', options.htu ?? tokenEndpoint(), {
      nonce: await currentNonce(),
      ...options,
    });

  const errorOf = async (response: Response) => {
    const body = (await response.json()) as { error?: string };
    return { status: response.status, error: body.error };
  };

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp', DPOP_REQUIRE_NONCE: 'true' } });
    key = await newDpopKey();
    subjectToken = (await codeFlow(sys, { resources: [`${sys.urls.mcp}/mcp`] })).access_token;
  });
  afterAll(() => sys?.close());

  it('asks for a nonce with use_dpop_nonce and a DPoP-Nonce header (§8)', async () => {
    const response = await exchange(await dpopProof(key, 'POST', tokenEndpoint()));
    expect(response.headers.get('dpop-nonce')).toMatch(/^[\w-]+$/);
    expect(await errorOf(response)).toEqual({ status: 400, error: 'use_dpop_nonce' });
  });

  it('refuses a nonce it did not issue', async () => {
    const response = await exchange(
      await dpopProof(key, 'POST', tokenEndpoint(), { nonce: 'made-up-by-the-client' }),
    );
    expect(await errorOf(response)).toEqual({ status: 400, error: 'use_dpop_nonce' });
    expect(response.headers.get('dpop-nonce')).toMatch(/^[\w-]+$/);
  });

  it('binds the exchanged token to the proof key: token_type DPoP and cnf.jkt (§5, §6.1)', async () => {
    const response = await exchange(await proofWithNonce());
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('DPoP');
    expect(decodeJwt(body.access_token).payload.cnf).toEqual({ jkt: key.thumbprint });
  });

  it('refuses the same proof twice (§11.1)', async () => {
    const proof = await proofWithNonce();
    expect((await exchange(proof)).status).toBe(200);
    expect(await errorOf(await exchange(proof))).toEqual({
      status: 400,
      error: 'invalid_dpop_proof',
    });
  });

  it('refuses a proof made for another URL or method (§4.3 steps 8, 9)', async () => {
    const otherUrl = await proofWithNonce({ htu: `${sys.urls.api}/WeatherForecast` });
    expect(await errorOf(await exchange(otherUrl))).toEqual({
      status: 400,
      error: 'invalid_dpop_proof',
    });
    const otherMethod = await dpopProof(key, 'GET', tokenEndpoint(), {
      nonce: await currentNonce(),
    });
    expect(await errorOf(await exchange(otherMethod))).toEqual({
      status: 400,
      error: 'invalid_dpop_proof',
    });
  });

  it('refuses an unsigned proof, a symmetric one and one carrying a private key (§4.3 steps 5-7)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const nonce = await currentNonce();
    const valid = await dpopProof(key, 'POST', tokenEndpoint(), { nonce });
    const [header, payload] = valid.split('.');
    const encoded = (members: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ typ: 'dpop+jwt', jwk: key.publicJwk, ...members })).toString(
        'base64url',
      );
    for (const proof of [
      `${encoded({ alg: 'none' })}.${payload}.`,
      `${encoded({ alg: 'HS256' })}.${payload}.${Buffer.alloc(32).toString('base64url')}`,
      await dpopProof(key, 'POST', tokenEndpoint(), { nonce, header: { jwk: privateJwk } }),
      await dpopProof(key, 'POST', tokenEndpoint(), { nonce, header: { typ: 'JWT' } }),
      `${header}.${payload}.AAAA`,
    ]) {
      expect(await errorOf(await exchange(proof))).toEqual({
        status: 400,
        error: 'invalid_dpop_proof',
      });
    }
  });

  it('refuses two proofs at once', async () => {
    const one = await proofWithNonce();
    const response = await fetch(tokenEndpoint(), {
      method: 'POST',
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['authorization', MCP_SERVER],
        ['dpop', one],
        ['dpop', one],
      ],
      body: new URLSearchParams(tokenExchangeForm(subjectToken, sys.urls.api)).toString(),
    });
    expect(await errorOf(response)).toMatchObject({ status: 400 });
  });

  it('issues an unbound Bearer token to an exchange without a proof', async () => {
    const response = await exchange();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    expect(decodeJwt(body.access_token).payload.cnf).toBeUndefined();
  });
});
