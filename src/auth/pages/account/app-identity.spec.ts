import { appIdentity, identityScopes } from './app-identity';

describe('appIdentity', () => {
  const configured = new Set(['interactive']);

  it('names a configured client by its name alone', () => {
    expect(appIdentity('interactive', { clientName: 'Weather SPA' }, configured)).toEqual({
      name: 'Weather SPA',
    });
  });

  it('marks a registered client unverified with every host it redirects to, once each', () => {
    const client = {
      clientName: 'Weather SPA',
      redirectUris: ['http://127.0.0.1:1234/cb', 'http://127.0.0.1:1234/other', 'myapp:/cb'],
    };
    expect(appIdentity('f3Xk9', client, configured)).toEqual({
      name: 'Weather SPA',
      unverified: { redirectHosts: ['127.0.0.1:1234', 'myapp:/cb'] },
    });
  });

  it('names a metadata-document client by its host when it gives no name', () => {
    const id = 'https://tools.example.com/oauth/client.json';
    expect(appIdentity(id, { redirectUris: ['https://tools.example.com/cb'] }, configured)).toEqual(
      {
        name: 'tools.example.com',
        unverified: { redirectHosts: ['tools.example.com'], metadataHost: 'tools.example.com' },
      },
    );
  });

  it('still lists a grant whose client is gone, by its id and unverified', () => {
    expect(appIdentity('removed-client', undefined, configured)).toEqual({
      name: 'removed-client',
      unverified: { redirectHosts: [] },
    });
  });
});

describe('identityScopes', () => {
  it("leaves out scopes listed under a resource, keeping the rest's order", () => {
    const resources = [{ scopes: ['weatherget', 'api'] }, { scopes: ['weatherget'] }];
    expect(identityScopes(['openid', 'profile', 'weatherget', 'api', 'email'], resources)).toEqual([
      'openid',
      'profile',
      'email',
    ]);
  });
});
