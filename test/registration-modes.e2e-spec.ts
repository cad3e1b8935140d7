import { CIMD_HOST, metadataDocumentHost } from './support/metadata-documents';
import { proves } from './support/proves';
import { startTestSystem, TestSystem } from './support/system';
import { answer, authorizeUrl, register } from './security/attack';

const REDIRECT = 'http://127.0.0.1:45678/callback';

/**
 * REGISTRATION narrows how unconfigured clients get a client_id (MCP authorization 2026-07-28,
 * "Client Registration": CIMD SHOULD, Dynamic Client Registration MAY and deprecated), and the
 * metadata advertises only what is on (RFC 8414 §2). The default, open, is covered by the
 * Client ID Metadata Document and registration suites.
 */
describe.each([
  ['cimd', { dcr: false, cimd: true }],
  ['off', { dcr: false, cimd: false }],
] as const)('REGISTRATION=%s', (mode, on) => {
  let sys: TestSystem;
  let docs: Awaited<ReturnType<typeof metadataDocumentHost>>;
  const clientId = `${CIMD_HOST}/client.json`;

  beforeAll(async () => {
    docs = await metadataDocumentHost();
    docs.documents.set('/client.json', {
      client_id: clientId,
      client_name: 'Document Client',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
    });
    sys = await startTestSystem({ env: { ROLES: 'auth', REGISTRATION: mode }, fetch: docs.fetch });
  });
  afterAll(async () => {
    await sys?.close();
    await docs?.close();
  });

  it('advertises only the registration mechanisms that are on', async () => {
    proves('mcp-auth-2026-07-28/as/registration-advertised-only-if-enabled');
    for (const path of [
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]) {
      const metadata = (await (await fetch(sys.urls.issuer + path)).json()) as Record<
        string,
        unknown
      >;
      expect(metadata.registration_endpoint).toBeUndefined();
      expect(metadata.client_id_metadata_document_supported).toBe(on.cimd ? true : undefined);
    }
  });

  it('refuses dynamic registration', async () => {
    const result = await register(sys, {
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
    });
    expect(result.status).toBe(404);
    expect(result.headers.get('location')).toBeNull();
  });

  it(`${on.cimd ? 'signs in' : 'refuses'} a client known only by its metadata document`, async () => {
    const result = await answer(
      authorizeUrl(sys, { client_id: clientId, redirect_uri: REDIRECT, scope: 'openid' }),
    );
    if (on.cimd) {
      expect(result.status).toBe(303);
      expect(new URL(result.headers.get('location') ?? '', sys.urls.issuer).pathname).toMatch(
        /^\/interaction\//,
      );
    } else {
      // Our error page, never a redirect to a URI nobody registered.
      expect({ status: result.status, error: result.error }).toEqual({
        status: 400,
        error: 'invalid_client',
      });
      expect(result.headers.get('location')).toBeNull();
      expect(docs.fetched()).toBe(0);
    }
  });

  it('still signs in the configured clients', async () => {
    const result = await answer(
      authorizeUrl(sys, { client_id: 'interactive', redirect_uri: `${sys.urls.spa}/signin-oidc` }),
    );
    expect(result.status).toBe(303);
    expect(new URL(result.headers.get('location') ?? '', sys.urls.issuer).pathname).toMatch(
      /^\/interaction\//,
    );
  });
});
