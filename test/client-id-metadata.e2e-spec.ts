import { TestBrowser } from './support/browser';
import { tokenRequest } from './support/flows';
import { decodeJwt, pkcePair } from './support/pkce';
import { CIMD_HOST, metadataDocumentHost } from './support/metadata-documents';
import { startTestSystem, TestSystem } from './support/system';
import { proves } from './support/proves';

const HOST = CIMD_HOST;

/**
 * Client ID Metadata Documents: the client_id is an https URL whose document describes the
 * client. The documents are served over real HTTP from a local server; the AuthServer's
 * outbound fetch maps the https host onto it (the SSRF guard would rightly refuse loopback).
 */
describe('Client ID Metadata Documents', () => {
  let sys: TestSystem;
  let docs: Awaited<ReturnType<typeof metadataDocumentHost>>;
  let documents: Map<string, object>;

  beforeAll(async () => {
    docs = await metadataDocumentHost('max-age=300');
    documents = docs.documents;
    sys = await startTestSystem({ env: { ROLES: 'auth,api' }, fetch: docs.fetch });
  });
  afterAll(async () => {
    await sys?.close();
    await docs?.close();
  });

  const redirectUri = 'http://127.0.0.1:45678/callback';

  function authorize(clientId: string, challenge: string) {
    const url = new URL(`${sys.urls.issuer}/connect/authorize`);
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'weatherget',
      resource: sys.urls.api,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.href;
  }

  it('is advertised', async () => {
    proves('mcp-auth-2025-11-25/as/cimd-supported', 'mcp-auth-2026-07-28/as/cimd-supported');
    const metadata = (await (
      await fetch(`${sys.urls.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
  });

  it('signs a user in to a client known only by its document, showing its host on the consent page', async () => {
    proves('mcp-auth-2025-11-25/as/cimd-show-host', 'mcp-auth-2026-07-28/as/cimd-show-host');
    const clientId = `${HOST}/good.json`;
    documents.set('/good.json', {
      client_id: clientId,
      client_name: 'Document Client',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    });
    const { verifier, challenge } = pkcePair();
    const browser = new TestBrowser();
    const login = await browser.navigate(authorize(clientId, challenge), redirectUri);
    const consent = await browser.submit(
      login.url,
      await login.response!.text(),
      { username: 'alice', password: 'alice', action: 'login' },
      redirectUri,
    );
    const consentHtml = await consent.response!.text();
    expect(consentHtml).toContain('Document Client');
    expect(consentHtml).toContain('Unverified app');
    expect(consentHtml).toContain('describes itself at <strong>cimd.example.test</strong>');
    expect(consentHtml).toContain(
      `<strong class="redirect-host">${new URL(redirectUri).host}</strong>`,
    );
    const done = await browser.submit(consent.url, consentHtml, { action: 'allow' }, redirectUri);
    const code = new URL(done.url).searchParams.get('code')!;

    const response = await tokenRequest(sys, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
      resource: sys.urls.api,
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    expect(decodeJwt(token).payload).toMatchObject({ client_id: clientId, aud: sys.urls.api });
  });

  it('refuses a document whose client_id is not its own URL', async () => {
    proves(
      'mcp-auth-2025-11-25/as/cimd-client-id-match',
      'mcp-auth-2026-07-28/as/cimd-client-id-match',
    );
    documents.set('/liar.json', {
      client_id: `${HOST}/someone-else.json`,
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
    });
    const page = await new TestBrowser().navigate(
      authorize(`${HOST}/liar.json`, pkcePair().challenge),
      redirectUri,
    );
    expect(page.response?.status).toBe(400);
    expect(await page.response!.text()).toContain('invalid_client_metadata');
  });

  it('refuses a redirect_uri the document does not list, without redirecting', async () => {
    proves(
      'mcp-auth-2025-11-25/as/cimd-redirect-validation',
      'mcp-auth-2026-07-28/as/cimd-redirect-validation',
    );
    const before = docs.fetched();
    const url = new URL(authorize(`${HOST}/good.json`, pkcePair().challenge));
    url.searchParams.set('redirect_uri', 'https://evil.example/callback');
    const page = await new TestBrowser().navigate(url.href, 'https://evil.example');
    expect(page.response?.status).toBe(400);
    expect(await page.response!.text()).toContain('redirect_uri');
    // The document came from the cache (Cache-Control: max-age=300), not a second fetch.
    expect(docs.fetched()).toBe(before);
  });

  it('refuses a document that would carry a shared secret', async () => {
    documents.set('/secret.json', {
      client_id: `${HOST}/secret.json`,
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const page = await new TestBrowser().navigate(
      authorize(`${HOST}/secret.json`, pkcePair().challenge),
      redirectUri,
    );
    expect(page.response?.status).toBe(400);
  });
});
