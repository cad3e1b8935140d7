import { createServer } from 'node:net';
import { FederationError } from './federation.error';
import { UpstreamClient } from './upstream-client';
import { parseUpstream } from './upstream-idp';

const idpAt = (issuer: string) =>
  parseUpstream({
    slug: 'corp',
    displayName: 'Corp',
    issuer,
    clientId: 'c',
    clientSecret: 's',
  });

describe('UpstreamClient', () => {
  it('names an upstream that refuses connections unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const client = new UpstreamClient(fetch, 'http://localhost/federation/callback', 2, 10);

    const failure = await client.start(idpAt(`http://127.0.0.1:${port}`), undefined).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FederationError);
    expect(failure).toMatchObject({ code: 'unreachable' });
  });
});
