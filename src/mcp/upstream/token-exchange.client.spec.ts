import { createServer, type IncomingMessage, type Server } from 'node:http';
import { loadConfig } from '../../config/config';
import { Principal } from '../../bearer/principal';
import { AuthorizationServerMetadata } from '../metadata/authorization-server-metadata';
import { TokenExchangeClient } from './token-exchange.client';
import { UpstreamError } from './upstream.error';

interface Reply {
  status: number;
  body: unknown;
}

/** A stand-in authorization server over real HTTP: metadata plus a scripted token endpoint. */
class FakeAuthServer {
  readonly requests: { authorization?: string; form: URLSearchParams }[] = [];
  issuer = '';
  metadataIssuer?: string;
  reply: Reply = { status: 200, body: {} };
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.handle(req).then((r) =>
          res
            .writeHead(r.status, { 'content-type': 'application/json' })
            .end(JSON.stringify(r.body)),
        ),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<Reply> {
    if (req.url === '/.well-known/oauth-authorization-server') {
      return {
        status: 200,
        body: {
          issuer: this.metadataIssuer ?? this.issuer,
          token_endpoint: `${this.issuer}/token`,
        },
      };
    }
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    this.requests.push({
      authorization: req.headers.authorization,
      form: new URLSearchParams(raw),
    });
    return this.reply;
  }
}

const issued = (token: string) => ({
  status: 200,
  body: {
    access_token: token,
    token_type: 'Bearer',
    expires_in: 300,
    issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  },
});

const caller = (token: string): Principal => ({
  sub: 'alice',
  clientId: 'some-client',
  scope: 'weatherget',
  scopes: ['weatherget'],
  audience: ['http://localhost:8010/mcp'],
  expiresAt: Math.floor(Date.now() / 1000) + 300,
  token,
});

describe('TokenExchangeClient', () => {
  const as = new FakeAuthServer();
  let client: TokenExchangeClient;

  beforeAll(() => as.start());
  afterAll(() => as.stop());
  beforeEach(() => {
    as.requests.length = 0;
    as.metadataIssuer = undefined;
    const config = loadConfig({ ISSUER_URL: as.issuer, API_BASE_URL: 'http://localhost:5000' });
    client = new TokenExchangeClient(
      config.shared,
      config.mcp,
      new AuthorizationServerMetadata(config.shared),
    );
  });

  it('exchanges the caller token as the MCP server client, for the API resource', async () => {
    as.reply = issued('api-token-1');
    expect(
      await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget'),
    ).toBe('api-token-1');
    expect(as.requests).toHaveLength(1);
    const [request] = as.requests;
    expect(request!.authorization).toBe(
      `Basic ${Buffer.from('mcp.server:mcp_server_dev_secret').toString('base64')}`,
    );
    expect(Object.fromEntries(request!.form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: 'mcp-token-1',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      resource: 'http://localhost:5000',
      scope: 'weatherget',
    });
  });

  it('caches per subject token, and forgets on request', async () => {
    as.reply = issued('api-token-1');
    await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget');
    await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget');
    expect(as.requests).toHaveLength(1);
    as.reply = issued('api-token-2');
    expect(
      await client.tokenFor(caller('mcp-token-2'), 'http://localhost:5000', 'weatherget'),
    ).toBe('api-token-2');
    expect(as.requests).toHaveLength(2);
    client.forget(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget');
    await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget');
    expect(as.requests).toHaveLength(3);
  });

  it.each([
    [{ status: 400, body: { error: 'invalid_request' } }, 'exchange_refused'],
    [{ status: 401, body: { error: 'invalid_client' } }, 'exchange_refused'],
    [{ status: 503, body: { error: 'temporarily_unavailable' } }, 'auth_server_unavailable'],
    [
      { status: 200, body: { access_token: 'x', token_type: 'DPoP', expires_in: 60 } },
      'auth_server_unavailable',
    ],
  ])('turns %j into UpstreamError %s', async (reply, code) => {
    as.reply = reply;
    const failure = client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget');
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({ code });
  });

  it('refuses metadata that names another issuer (RFC 8414 §3.3)', async () => {
    as.metadataIssuer = 'http://evil.example';
    await expect(
      client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget'),
    ).rejects.toMatchObject({
      code: 'auth_server_unavailable',
    });
    expect(as.requests).toHaveLength(0);
  });
});
