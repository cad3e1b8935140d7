// The bench's baseline for token issuance: oidc-provider alone (same version as the server),
// in memory, no Nest, the same client-credentials grant issuing the same RS256 JWT.
// `node scripts/bench/bare-provider.mjs <port> <resource>`; prints "ready" when listening.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, resource] = [Number(process.argv[2]), process.argv[3]];
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(`http://localhost:${port}`, {
  clients: [
    {
      client_id: 'm2m.client',
      client_secret: '511536EF-F270-4058-80CA-1C89C192F69A',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api',
    },
  ],
  scopes: ['api'],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 300,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  routes: { token: '/connect/token' },
});
provider.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
