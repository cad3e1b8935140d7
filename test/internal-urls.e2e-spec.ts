import { TestBrowser } from './support/browser';
import { codeFlow } from './support/flows';
import { startTestSystem, TestSystem } from './support/system';

/**
 * Containers reach each other under other names than browsers do. Here the public URLs use
 * `.invalid` hosts (RFC 6761: they never resolve), so every back-channel call (JWKS, AS
 * metadata, token exchange, the API call) only works if it goes through AUTH_INTERNAL_URL and
 * API_INTERNAL_URL, while issuer and audiences stay the public URLs.
 */
/**
 * The user's browser, which (unlike the containers) reaches the AuthServer at its public URL:
 * here that name does not resolve, so the browser's requests are sent to where it listens. The
 * AuthServer redirects to its own pages under ISSUER_URL whatever Host a request carries.
 */
class BrowserOnPublicUrl extends TestBrowser {
  constructor(
    private readonly publicUrl: string,
    private readonly reachableAt: string,
  ) {
    super();
  }

  override request(url: string, init: RequestInit = {}): Promise<Response> {
    return super.request(url.replace(this.publicUrl, this.reachableAt), init);
  }
}

describe('back-channel URLs apart from public URLs', () => {
  let sys: TestSystem;
  let auth: string;
  let mcp: string;

  beforeAll(async () => {
    sys = await startTestSystem({
      env: (ports) => ({
        ROLES: 'auth,api,mcp',
        ISSUER_URL: `http://auth.invalid:${ports.auth}`,
        API_BASE_URL: `http://api.invalid:${ports.api}`,
        MCP_BASE_URL: `http://mcp.invalid:${ports.mcp}`,
        AUTH_INTERNAL_URL: `http://127.0.0.1:${ports.auth}`,
        API_INTERNAL_URL: `http://127.0.0.1:${ports.api}`,
      }),
    });
    auth = sys.env.AUTH_INTERNAL_URL!;
    mcp = `http://127.0.0.1:${sys.config.http.ports.mcp}`;
  });
  afterAll(() => sys?.close());

  it('verifies, exchanges and calls the API through the internal URLs', async () => {
    const { access_token: token } = await codeFlow(sys, {
      authServer: auth,
      browser: new BrowserOnPublicUrl(sys.urls.issuer, auth),
      resources: [`${sys.urls.mcp}/mcp`],
      scope: 'weatherget',
    });

    const sample = await fetch(`${mcp}/api/sample`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(sample.status).toBe(200);
    expect(JSON.stringify(await sample.json())).toContain('temperatureC');
  });

  it('mirrors the AuthServer metadata with the public endpoints', async () => {
    const metadata = (await (
      await fetch(`${mcp}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, string>;
    expect(metadata.issuer).toBe(sys.urls.issuer);
    expect(metadata.token_endpoint).toBe(`${sys.urls.issuer}/connect/token`);
    expect(metadata.authorization_endpoint).toBe(`${sys.urls.issuer}/connect/authorize`);
  });
});
