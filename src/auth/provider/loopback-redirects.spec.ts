import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { Provider, type ClientMetadata } from 'oidc-provider';
import { adapterFor } from '../../storage/oidc-adapter';
import { SqliteAuthStore } from '../../storage/sqlite.store';
import { allowLoopbackPortVariance } from './loopback-redirects';

const CLIENTS: ClientMetadata[] = [
  {
    client_id: 'web-loopback',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://localhost:3334/oauth/callback', 'http://127.0.0.1:4000/cb'],
  },
  {
    client_id: 'native-loopback',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://localhost:3334/oauth/callback'],
  },
  {
    client_id: 'web-remote',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['https://app.example.com/callback', 'https://localhost:8443/cb'],
  },
];

async function redirectCheck(provider: Provider, clientId: string) {
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  return (uri: string) => client.redirectUriAllowed(uri);
}

describe('allowLoopbackPortVariance', () => {
  const store = new SqliteAuthStore(':memory:');
  let signingKey: JWK;
  const newProvider = () =>
    new Provider('http://localhost:5001', {
      clients: CLIENTS,
      adapter: adapterFor(store),
      jwks: { keys: [signingKey] },
      features: { devInteractions: { enabled: false } },
    });
  let provider: Provider;

  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    signingKey = await exportJWK(privateKey);
    provider = newProvider();
    allowLoopbackPortVariance(provider);
  });

  afterAll(() => store.close());

  it.each([
    'http://localhost:3334/oauth/callback',
    'http://localhost:51234/oauth/callback',
    'http://localhost/oauth/callback',
    'http://127.0.0.1:4000/cb',
    'http://127.0.0.1:60000/cb',
  ])('lets a web client with a loopback redirect use any port: %s', async (uri) => {
    expect((await redirectCheck(provider, 'web-loopback'))(uri)).toBe(true);
  });

  it('lets a native client use any loopback port (RFC 8252 §7.3)', async () => {
    const allowed = await redirectCheck(provider, 'native-loopback');

    expect(allowed('http://localhost:51234/oauth/callback')).toBe(true);
    expect(allowed('http://localhost:51234/other')).toBe(false);
  });

  it.each([
    ['another path', 'http://localhost:51234/oauth/other'],
    ['a query the registration lacks', 'http://localhost:51234/oauth/callback?next=/admin'],
    ['userinfo in the authority', 'http://evil@localhost:51234/oauth/callback'],
    ['https instead of http', 'https://localhost:51234/oauth/callback'],
    ['a host that only starts like localhost', 'http://localhost.evil.example:3334/oauth/callback'],
  ])('still refuses %s', async (_name, uri) => {
    expect((await redirectCheck(provider, 'web-loopback'))(uri)).toBe(false);
  });

  it('keeps non-loopback redirects exact, and does not treat https localhost as loopback', async () => {
    const allowed = await redirectCheck(provider, 'web-remote');

    expect(allowed('https://app.example.com/callback')).toBe(true);
    expect(allowed('https://app.example.com:8443/callback')).toBe(false);
    expect(allowed('https://app.example.com/callback/')).toBe(false);
    expect(allowed('https://localhost:8443/cb')).toBe(true);
    expect(allowed('https://localhost:9443/cb')).toBe(false);
  });

  it('is what grants the variance: an unpatched provider refuses another port for a web client', async () => {
    const plain = newProvider();

    expect(
      (await redirectCheck(plain, 'web-loopback'))('http://localhost:51234/oauth/callback'),
    ).toBe(false);
  });
});
