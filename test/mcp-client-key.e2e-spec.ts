import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK } from 'jose';
import * as oauth from 'openid-client';
import { codeFlow } from './support/flows';
import { toolCall } from './support/mcp';
import { freePorts } from './support/ports';
import { decodeJwt } from './support/pkce';
import { proves } from './support/proves';
import { startServerProcess, type ServerProcess } from './support/server-process';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface CapturedRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: URLSearchParams;
}

/**
 * MCP_CLIENT_KEY_FILE: the MCP server's own token exchange authenticates with private_key_jwt
 * (RFC 7523 §2.2). Its back channel to the AuthServer (AUTH_INTERNAL_URL) runs through a
 * recording proxy, so the test sees exactly what the MCP server put on the wire.
 */
describe('the MCP server authenticates its token exchange with its own key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-client-key-'));
  const keyFile = join(dir, 'mcp-client.jwk');
  const captured: CapturedRequest[] = [];
  let proxy: Server;
  let server: ServerProcess;
  let urls: { issuer: string; api: string; mcp: string; spa: string };

  // A process of its own: oidc-provider copies configured clients with structuredClone, which
  // inside Jest's sandbox yields objects of another realm that its JWKS check refuses.
  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(keyFile, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600 });
    const [auth, api, mcp, spa] = await freePorts(4);
    urls = {
      issuer: `http://localhost:${auth}`,
      api: `http://localhost:${api}`,
      mcp: `http://localhost:${mcp}`,
      spa: `http://localhost:${spa}`,
    };
    proxy = await recordingProxy(`http://127.0.0.1:${auth}`, captured);
    server = await startServerProcess(
      {
        ROLES: 'auth,api,mcp',
        HOST: '127.0.0.1',
        ISSUER_URL: urls.issuer,
        API_BASE_URL: urls.api,
        MCP_BASE_URL: urls.mcp,
        SPA_URL: urls.spa,
        SQLITE_PATH: join(dir, 'auth.sqlite'),
        MCP_CLIENT_KEY_FILE: keyFile,
        AUTH_INTERNAL_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      },
      urls.mcp,
    );
  });
  afterAll(async () => {
    server?.signal('SIGTERM');
    await server?.exited();
    await new Promise((done) => proxy?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls a tool through an exchange that carried a client assertion and no secret', async () => {
    proves('mcp-auth-ext/as/private-key-jwt');
    const tokens = await codeFlow(
      { urls },
      {
        resources: [`${urls.mcp}/mcp`],
        scope: 'openid weatherget',
      },
    );
    const call = await fetch(`${urls.mcp}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
        authorization: `Bearer ${tokens.access_token}`,
      },
      body: JSON.stringify(toolCall('get-weather-forecast')),
    });
    expect(call.status).toBe(200);
    const text = await call.text();
    expect(text).toContain('temperatureC');
    expect(text).not.toContain('"isError":true');

    const exchanges = captured.filter(
      (r) => r.path === '/connect/token' && r.body.get('subject_token') === tokens.access_token,
    );
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange!.authorization).toBeUndefined();
    expect(exchange!.body.get('client_assertion_type')).toBe(ASSERTION_TYPE);
    const assertion = decodeJwt(exchange!.body.get('client_assertion')!);
    expect(assertion.header).toMatchObject({ alg: 'ES256' });
    expect(assertion.payload).toMatchObject({ iss: 'mcp.server', sub: 'mcp.server' });
  });

  it('refuses the exchange signed with another key, and the development secret', async () => {
    proves('mcp-auth-ext/as/private-key-jwt');
    const tokens = await codeFlow(
      { urls },
      {
        resources: [`${urls.mcp}/mcp`],
        scope: 'openid weatherget',
      },
    );
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const wrongKey = await importJWK(privateKey.export({ format: 'jwk' }), 'ES256');
    if (wrongKey instanceof Uint8Array) throw new Error('expected an asymmetric key');
    const exchange = (auth: oauth.ClientAuth) =>
      oauth
        .discovery(new URL(urls.issuer), 'mcp.server', undefined, auth, {
          execute: [oauth.allowInsecureRequests],
        })
        .then((config) =>
          oauth.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:token-exchange', {
            subject_token: tokens.access_token,
            subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
            resource: urls.api,
            scope: 'weatherget',
          }),
        );
    await expect(exchange(oauth.PrivateKeyJwt(wrongKey))).rejects.toMatchObject({
      error: 'invalid_client',
    });
    // RFC 6749 §5.2: a failed Basic authentication is a 401 challenge; the client has no secret.
    await expect(exchange(oauth.ClientSecretBasic('mcp_server_dev_secret'))).rejects.toMatchObject({
      status: 401,
    });
  });
});

/** Forwards every request to `target` as it came, keeping a copy of token requests. */
function recordingProxy(target: string, captured: CapturedRequest[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      if (req.method === 'POST') {
        captured.push({
          path,
          authorization: req.headers.authorization,
          body: new URLSearchParams(body.toString()),
        });
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length')
          headers.set(name, value);
      }
      fetch(`${target}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      })
        .then(async (answer) => {
          const payload = Buffer.from(await answer.arrayBuffer());
          const out: Record<string, string> = {};
          answer.headers.forEach((value, name) => {
            if (name !== 'content-encoding' && name !== 'content-length') out[name] = value;
          });
          res.writeHead(answer.status, out).end(payload);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready(server)));
}
