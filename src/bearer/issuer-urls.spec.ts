import { IssuerUrls } from './issuer-urls';

describe('IssuerUrls', () => {
  const urls = new IssuerUrls('https://auth.example', 'http://auth:5001');

  it('sends back-channel requests for the public issuer to the internal origin, path kept', () => {
    expect(urls.toInternal('https://auth.example/.well-known/oauth-authorization-server')).toBe(
      'http://auth:5001/.well-known/oauth-authorization-server',
    );
    expect(urls.toInternal('https://auth.example')).toBe('http://auth:5001');
  });

  it('shows clients the public origin for endpoints named after the internal Host', () => {
    expect(urls.toPublic('http://auth:5001/connect/token')).toBe(
      'https://auth.example/connect/token',
    );
  });

  it('leaves URLs that only resemble the origin alone', () => {
    for (const url of [
      'https://auth.example.evil/connect/token',
      'https://auth.example@evil.example/x',
      'https://other.example/connect/token',
      'http://auth:50010/x',
    ]) {
      expect(urls.toInternal(url)).toBe(url);
      expect(urls.toPublic(url)).toBe(url);
    }
  });

  it('changes nothing when both names are the same', () => {
    const same = new IssuerUrls('http://localhost:5001', 'http://localhost:5001');
    expect(same.toInternal('http://localhost:5001/connect/token')).toBe(
      'http://localhost:5001/connect/token',
    );
    expect(same.plainHttp).toBe(true);
    expect(urls.plainHttp).toBe(true);
    expect(new IssuerUrls('https://a.example', 'https://b.example').plainHttp).toBe(false);
  });
});
