import { createServer, type IncomingMessage, type Server } from 'node:http';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose';
import { AppConfig, loadConfig } from '../../config/config';
import { Principal } from '../../bearer/principal';
import { AuthorizationServerMetadata } from './authorization-server-metadata';
import { McpDpopKey } from './mcp-dpop-key';
import { TokenExchangeClient } from './token-exchange.client';
import { UpstreamError } from './upstream.error';
import { Metrics } from '../../core/metrics/metrics';
import { parsePrometheusText, sampleSum } from '../../../test/support/prometheus-text';

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A stand-in authorization server over real HTTP: metadata plus a scripted token endpoint. */
class FakeAuthServer {
  readonly requests: { authorization?: string; dpop?: string; form: URLSearchParams }[] = [];
  issuer = '';
  metadataIssuer?: string;
  reply: Reply = { status: 200, body: {} };
  /** Answered first, one per request, before `reply`. */
  readonly replies: Reply[] = [];
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.handle(req).then((r) =>
          res
            .writeHead(r.status, { 'content-type': 'application/json', ...r.headers })
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
      dpop: typeof req.headers.dpop === 'string' ? req.headers.dpop : undefined,
      form: new URLSearchParams(raw),
    });
    return this.replies.shift() ?? this.reply;
  }
}

const issued = (token: string) => ({
  status: 200,
  body: {
    access_token: token,
    token_type: 'DPoP',
    expires_in: 300,
    issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  },
});

/** RFC 6749 §2.3.1: id and secret are form-encoded, then joined by ':' and base64-encoded. */
function basicCredentials(header: string | undefined): string[] {
  const [scheme, encoded] = (header ?? '').split(' ');
  expect(scheme).toBe('Basic');
  const decoded = Buffer.from(encoded ?? '', 'base64').toString();
  return decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
}

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
  let metrics: Metrics;
  let key: McpDpopKey;

  beforeAll(async () => {
    key = await McpDpopKey.generate(100);
    await as.start();
  });
  afterAll(() => as.stop());
  const clientFor = (env: Record<string, string>) => {
    const config = loadConfig(env);
    return new TokenExchangeClient(exchangeMetadata(config), metrics, key, config.shared);
  };
  const counted = async (name: string, labels: Record<string, string>) =>
    sampleSum(parsePrometheusText(await metrics.registry.metrics()), name, labels);

  beforeEach(() => {
    as.requests.length = 0;
    as.replies.length = 0;
    as.metadataIssuer = undefined;
    metrics = new Metrics();
    client = clientFor({ ISSUER_URL: as.issuer, API_BASE_URL: 'http://localhost:5000' });
  });

  it('exchanges the caller token as the MCP server client, for the API resource', async () => {
    as.reply = issued('api-token-1');
    expect(
      await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget', true),
    ).toBe('api-token-1');
    expect(as.requests).toHaveLength(1);
    const [request] = as.requests;
    expect(basicCredentials(request!.authorization)).toEqual([
      'mcp.server',
      'mcp_server_dev_secret',
    ]);
    expect(Object.fromEntries(request!.form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: 'mcp-token-1',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      resource: 'http://localhost:5000',
      scope: 'weatherget',
    });
  });

  it("proves possession of the MCP server's key at the token endpoint (RFC 9449 §5)", async () => {
    as.reply = issued('api-token-1');
    await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget', true);
    const proof = as.requests[0]!.dpop!;
    expect(decodeProtectedHeader(proof)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(decodeJwt(proof)).toMatchObject({ htm: 'POST', htu: `${as.issuer}/token` });
    const { jwk } = decodeProtectedHeader(proof);
    expect(jwk).not.toHaveProperty('d');
    expect(await calculateJwkThumbprint(jwk!)).toBe(key.thumbprint);
  });

  it('answers use_dpop_nonce once, with the nonce the token endpoint sent (RFC 9449 §8)', async () => {
    as.replies.push({
      status: 400,
      body: { error: 'use_dpop_nonce', error_description: 'nonce required' },
      headers: { 'dpop-nonce': 'server-nonce-1' },
    });
    as.reply = issued('api-token-1');
    expect(await client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget', true)).toBe(
      'api-token-1',
    );
    expect(as.requests).toHaveLength(2);
    expect(decodeJwt(as.requests[0]!.dpop!).nonce).toBeUndefined();
    expect(decodeJwt(as.requests[1]!.dpop!).nonce).toBe('server-nonce-1');
  });

  it('never exchanges without a scope, which would yield every scope the caller holds', async () => {
    as.reply = issued('every-scope');
    for (const scope of ['', ' ']) {
      await expect(
        client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', scope, true),
      ).rejects.toThrow(/must name the scopes/);
    }
    expect(as.requests).toHaveLength(0);
  });

  it('caches per subject token, and forgets on request', async () => {
    as.reply = issued('api-token-1');
    await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget', true);
    await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget', true);
    expect(as.requests).toHaveLength(1);
    as.reply = issued('api-token-2');
    expect(
      await client.tokenFor(caller('mcp-token-2'), 'http://localhost:5000', 'weatherget', true),
    ).toBe('api-token-2');
    expect(as.requests).toHaveLength(2);
    client.forget(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget');
    await client.tokenFor(caller('mcp-token-1'), 'http://localhost:5000', 'weatherget', true);
    expect(as.requests).toHaveLength(3);
    const lookups = 'mcp_token_exchange_cache_lookups_total';
    expect(await counted(lookups, { result: 'hit' })).toBe(1);
    expect(await counted(lookups, { result: 'miss' })).toBe(3);
    const exchanges = 'mcp_token_exchange_duration_seconds_count';
    expect(await counted(exchanges, { outcome: 'issued' })).toBe(3);
  });

  it.each([
    [{ status: 400, body: { error: 'invalid_request' } }, 'exchange_refused'],
    [{ status: 401, body: { error: 'invalid_client' } }, 'exchange_refused'],
    [{ status: 503, body: { error: 'temporarily_unavailable' } }, 'auth_server_unavailable'],
    [
      {
        status: 401,
        body: { error: 'invalid_client' },
        headers: { 'www-authenticate': 'Basic realm="as"' },
      },
      'exchange_refused',
    ],
    [{ status: 400, body: 'not an OAuth error' }, 'auth_server_unavailable'],
    [
      { status: 200, body: { access_token: 'x', token_type: 'DPoP', expires_in: 60 } },
      'auth_server_unavailable',
    ],
    [
      { ...issued('unbound'), body: { ...issued('unbound').body, token_type: 'Bearer' } },
      'auth_server_unavailable',
    ],
    [
      {
        status: 200,
        body: { access_token: 'x', token_type: 'DPoP', expires_in: 60, issued_token_type: 'x' },
      },
      'auth_server_unavailable',
    ],
    [
      {
        status: 200,
        body: {
          access_token: 'x',
          token_type: 'DPoP',
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        },
      },
      'auth_server_unavailable',
    ],
  ])('turns %j into UpstreamError %s', async (reply, code) => {
    as.reply = reply;
    const failure = client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget', true);
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({ code });
    const outcome = code === 'exchange_refused' ? 'refused' : 'unavailable';
    expect(await counted('mcp_token_exchange_duration_seconds_count', { outcome })).toBe(1);
  });

  it('does not keep a token that expires within the 30 s margin', async () => {
    as.reply = {
      ...issued('short-lived'),
      body: { ...issued('short-lived').body, expires_in: 20 },
    };
    await client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget', true);
    await client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget', true);
    expect(as.requests).toHaveLength(2);
  });

  it('shares one exchange between concurrent calls for the same subject', async () => {
    as.reply = issued('api-token-1');
    const tokens = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget', true),
      ),
    );
    expect(new Set(tokens)).toEqual(new Set(['api-token-1']));
    expect(as.requests).toHaveLength(1);
    const lookups = 'mcp_token_exchange_cache_lookups_total';
    expect(await counted(lookups, { result: 'miss' })).toBe(1);
    expect(await counted(lookups, { result: 'joined' })).toBe(4);
  });

  it.each([['http://evil.example'], [() => `${as.issuer}/`]])(
    'refuses metadata that names another issuer than exactly the configured one: %s',
    async (issuer) => {
      as.metadataIssuer = typeof issuer === 'string' ? issuer : issuer();
      await expect(
        client.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget', true),
      ).rejects.toMatchObject({ code: 'auth_server_unavailable' });
      expect(as.requests).toHaveLength(0);
    },
  );

  it('discovers through AUTH_INTERNAL_URL while checking the public issuer', async () => {
    // `.invalid` never resolves (RFC 6761): only the internal URL can reach the server.
    const publicIssuer = 'http://auth.invalid:5001';
    as.metadataIssuer = publicIssuer;
    as.reply = issued('api-token-1');
    const internal = clientFor({
      ISSUER_URL: publicIssuer,
      AUTH_INTERNAL_URL: as.issuer,
      API_BASE_URL: 'http://localhost:5000',
    });
    expect(await internal.tokenFor(caller('t'), 'http://localhost:5000', 'weatherget', true)).toBe(
      'api-token-1',
    );
    expect(as.requests).toHaveLength(1);
  });
});

function exchangeMetadata(config: AppConfig) {
  return new AuthorizationServerMetadata(config.shared, config.mcp);
}
