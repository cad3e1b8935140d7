import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiCallError, ApiHttpClient, MAX_RESPONSE_BYTES } from './api-http';

describe('ApiHttpClient', () => {
  let server: Server;
  let origin: string;
  let streamed = 0;
  const client = new ApiHttpClient();

  beforeAll(async () => {
    server = createServer((request, response) => {
      switch (request.url?.split('?')[0]) {
        case '/json':
          response.setHeader('content-type', 'application/json');
          response.end(
            JSON.stringify({ method: request.method, auth: request.headers.authorization }),
          );
          return;
        case '/declared-too-large':
          response.setHeader('content-length', String(MAX_RESPONSE_BYTES + 1));
          response.write('x');
          return;
        case '/streamed-too-large': {
          // No Content-Length: the cap must stop reading, not wait for an endless body.
          const chunk = Buffer.alloc(64 * 1024, 'x');
          const write = () => {
            while (!response.destroyed && response.write(chunk)) streamed += chunk.length;
          };
          response.on('drain', write);
          write();
          return;
        }
        case '/elsewhere':
          response.writeHead(302, { location: 'http://198.51.100.1/steal' }).end();
          return;
        default:
          response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await client.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (path: string) =>
    client.send({ url: `${origin}${path}`, method: 'GET', headers: { authorization: 'Bearer t' } });

  it('returns status, content type and body', async () => {
    const answer = await send('/json');
    expect(answer).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(JSON.parse(answer.text)).toEqual({ method: 'GET', auth: 'Bearer t' });
  });

  it('refuses an answer whose declared length is over the cap, without reading it', async () => {
    await expect(send('/declared-too-large')).rejects.toMatchObject({ code: 'too_large' });
  });

  it('stops reading an undeclared answer once it passes the cap', async () => {
    await expect(send('/streamed-too-large')).rejects.toMatchObject({ code: 'too_large' });
    expect(streamed).toBeLessThan(MAX_RESPONSE_BYTES * 4);
  });

  it('reads up to the cap the caller gives', async () => {
    await expect(
      client.send({ url: `${origin}/json`, method: 'GET', headers: {} }, 10),
    ).rejects.toMatchObject({ code: 'too_large' });
  });

  it('names no path or query in its errors, which are logged', async () => {
    const failure = await client
      .send({ url: `${origin}/streamed-too-large?secret=s3cr3t`, method: 'GET', headers: {} }, 10)
      .catch((error: unknown) => error);
    const closed = await client
      .send({ url: 'http://127.0.0.1:1/private/path?secret=s3cr3t', method: 'GET', headers: {} })
      .catch((error: unknown) => error);
    for (const error of [failure, closed]) {
      expect(error).toBeInstanceOf(ApiCallError);
      expect((error as Error).message).not.toMatch(/secret|private|too-large/);
    }
  });

  it('does not follow a redirect, so the token stays with the API it was minted for', async () => {
    const answer = await send('/elsewhere');
    expect(answer.status).toBe(302);
  });

  it('reports an API that is not listening as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await client
      .send({ url: `http://127.0.0.1:${port}/json`, method: 'GET', headers: {} })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiCallError);
    expect(failure).toMatchObject({ code: 'unreachable' });
  });
});
