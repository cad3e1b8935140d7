import { request as httpRequest, type ClientRequest } from 'node:http';

export interface InFlightRequest {
  /** The answer, once the server has read the whole body and replied. */
  readonly response: Promise<{ status: number; body: string }>;
  /** Sends the rest of the body. */
  finish(): void;
}

/**
 * A client-credentials token request whose body arrives only at `finish()`: a request in flight
 * while a server drains. Its own connection (`agent: false`), so no keep-alive socket is reused.
 */
export function trickledTokenRequest(issuer: string, authorization: string): InFlightRequest {
  const body = 'grant_type=client_credentials&scope=api';
  const url = new URL(`${issuer}/connect/token`);
  let req: ClientRequest | undefined;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          authorization,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 10));
  });
  return { response, finish: () => req?.end(body.slice(10)) };
}
