import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsConfig } from '../../config/config';
import { Metrics } from './metrics';

export interface MetricsServer {
  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The process's own listener for Prometheus, apart from every role's public port: it answers
 * `GET /metrics` in the text exposition format and nothing else, and reads no request body.
 */
export async function serveMetrics(
  metrics: Metrics,
  { host, port }: MetricsConfig & { readonly port: number },
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    void answer(metrics, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function answer(
  metrics: Metrics,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  if (path !== '/metrics') return send(response, 404, 'not found\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'method not allowed\n');
  }
  try {
    const body = await metrics.registry.metrics();
    response.setHeader('content-type', metrics.registry.contentType);
    response.setHeader('cache-control', 'no-store');
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    send(response, 500, 'metrics collection failed\n');
  }
}

function send(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(text);
}
