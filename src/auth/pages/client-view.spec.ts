import { clientKind, clientView, redirectTarget } from './client-view';

const CONFIGURED = new Set(['interactive', 'mcpclient']);

describe('clientKind', () => {
  it.each([
    ['interactive', 'configured'],
    ['mcpclient', 'configured'],
    ['kZ3x9_registered-id', 'registered'],
    ['https://apps.example/client.json', 'metadata_document'],
    ['http://apps.example/client.json', 'registered'],
  ])('%s is %s', (id, kind) => {
    expect(clientKind(id, CONFIGURED)).toBe(kind);
  });
});

describe('redirectTarget', () => {
  it.each([
    ['https://evil.example/cb', 'evil.example'],
    ['http://localhost:7777/callback', 'localhost:7777'],
    ['com.example.app:/oauth/cb', 'com.example.app:/oauth/cb'],
    ['not a url', 'not a url'],
  ])('%s -> %s', (uri, target) => {
    expect(redirectTarget(uri)).toBe(target);
  });
});

describe('clientView', () => {
  it('shows a configured client by name only', () => {
    expect(
      clientView(
        { clientId: 'interactive', clientName: 'Weather SPA', redirectUri: 'https://x.example/cb' },
        CONFIGURED,
      ),
    ).toEqual({ name: 'Weather SPA' });
  });

  it('marks a registered client that copies a configured name as unverified, with its redirect host', () => {
    expect(
      clientView(
        { clientId: 'abc', clientName: 'Weather SPA', redirectUri: 'https://evil.example/cb' },
        CONFIGURED,
      ),
    ).toEqual({ name: 'Weather SPA', unverified: { redirectHost: 'evil.example' } });
  });

  it('names a metadata-document client by its host when it gives no name', () => {
    expect(
      clientView(
        { clientId: 'https://apps.example/c.json', redirectUri: 'https://cb.example/cb' },
        CONFIGURED,
      ),
    ).toEqual({
      name: 'apps.example',
      unverified: { redirectHost: 'cb.example', metadataHost: 'apps.example' },
    });
  });
});
