import { CIMD_HOST, metadataDocumentHost } from '../support/metadata-documents';
import { startTestSystem, TestSystem } from '../support/system';
import { answer, authorizeUrl } from './attack';

const HOST = CIMD_HOST;
const LOOPBACK = 'http://127.0.0.1:45678/callback';

/**
 * A Client ID Metadata Document is one anyone can publish, so it gets the same limits as a
 * registration: no user-less grants, no configured client's name, no plain-http redirect to a
 * public host, no error redirected to it before the user acted. Documents are served from a
 * local server; the AuthServer's outbound fetch maps the https host onto it.
 */
describe('Client ID Metadata Documents may not', () => {
  let sys: TestSystem;
  let docs: Awaited<ReturnType<typeof metadataDocumentHost>>;
  let documents: Map<string, object>;

  beforeAll(async () => {
    docs = await metadataDocumentHost();
    documents = docs.documents;
    sys = await startTestSystem({ env: { ROLES: 'auth' }, fetch: docs.fetch });
  });
  afterAll(async () => {
    await sys?.close();
    await docs?.close();
  });

  it.each([
    [
      'declare client credentials',
      'cc',
      { grant_types: ['authorization_code', 'client_credentials'] },
      'invalid_client_metadata',
    ],
    [
      'take a configured client’s name',
      'name',
      { client_name: 'weather spa' },
      'invalid_client_metadata',
    ],
    [
      'use http on a public host',
      'http',
      { redirect_uris: ['http://evil.example/cb'] },
      'invalid_redirect_uri',
    ],
  ])('%s', async (_case, name, overrides, error) => {
    const clientId = `${HOST}/${name}.json`;
    documents.set(`/${name}.json`, {
      client_id: clientId,
      redirect_uris: [LOOPBACK],
      token_endpoint_auth_method: 'none',
      ...overrides,
    });
    const redirectUri = (overrides as { redirect_uris?: string[] }).redirect_uris?.[0] ?? LOOPBACK;
    const result = await answer(
      authorizeUrl(sys, { client_id: clientId, redirect_uri: redirectUri }),
    );
    expect({ status: result.status, location: result.headers.get('location') }).toEqual({
      status: 400,
      location: null,
    });
    expect(result.error).toBe(error);
  });

  it('have errors redirected to them before the user acted (RFC 9700 §4.11.2)', async () => {
    const clientId = `${HOST}/good.json`;
    documents.set('/good.json', {
      client_id: clientId,
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'none',
    });
    const result = await answer(
      authorizeUrl(sys, {
        client_id: clientId,
        redirect_uri: 'https://app.example/cb',
        code_challenge: undefined,
      }),
    );
    expect({
      status: result.status,
      location: result.headers.get('location'),
      error: result.error,
    }).toEqual({
      status: 400,
      location: null,
      error: 'invalid_request',
    });
  });
});
