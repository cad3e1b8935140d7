// The bench's load generator: keep-alive HTTP/1.1 over plain sockets, one request in flight per
// connection. fetch (undici) spends ~400 µs of CPU per request on this machine, about as much as
// the server under test, so on two cores it measured the generator as much as the server; this
// spends ~40 µs. Responses must carry Content-Length (Fastify and Koa set it for these bodies).
import { connect } from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_RESPONSE = 1 << 20;

/**
 * One connection to `origin`. `send({ method, path, headers, body })` resolves to
 * `{ status, body }` (body as a string).
 */
export function openConnection(origin) {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  let buffered = Buffer.alloc(0);
  let pending;
  const fail = (error) => {
    const p = pending;
    pending = undefined;
    p?.reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error(`${origin} closed the connection`)));
  socket.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (buffered.length > MAX_RESPONSE) return fail(new Error('response over 1 MiB'));
    const headEnd = buffered.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = buffered.subarray(0, headEnd).toString('latin1');
    const length = contentLength(head);
    if (length === undefined)
      return fail(new Error(`no Content-Length in: ${head.split('\r\n')[0]}`));
    const end = headEnd + HEAD_END.length + length;
    if (buffered.length < end) return;
    const body = buffered.subarray(headEnd + HEAD_END.length, end).toString('utf8');
    buffered = buffered.subarray(end);
    const p = pending;
    pending = undefined;
    p?.resolve({ status: Number(head.slice(9, 12)), body });
  });
  const host = `${hostname}:${port}`;
  return {
    send({ method = 'GET', path, headers = {}, body = '' }) {
      let request = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
      for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
      if (method !== 'GET') request += `content-length: ${Buffer.byteLength(body)}\r\n`;
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        socket.write(request + '\r\n' + body);
      });
    },
    close: () => socket.destroy(),
  };
}

function contentLength(head) {
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).toLowerCase() === 'content-length')
      return Number(line.slice(colon + 1));
  }
  return undefined;
}

/**
 * `requests` requests on `concurrency` keep-alive connections to `origin`: requests per second
 * and each request's latency in ms. `request(worker)` describes each request; every answer must
 * be `status`, and `check(response, worker)` may read it.
 */
export async function runLoad(origin, request, { requests, concurrency, status = 200, check }) {
  let next = 0;
  const latencies = [];
  const connections = Array.from({ length: concurrency }, () => openConnection(origin));
  const started = performance.now();
  try {
    await Promise.all(
      connections.map(async (connection, worker) => {
        while (next++ < requests) {
          const t = performance.now();
          const response = await connection.send(request(worker));
          latencies.push(performance.now() - t);
          if (response.status !== status)
            throw new Error(
              `${origin} answered ${response.status}: ${response.body.slice(0, 200)}`,
            );
          check?.(response, worker);
        }
      }),
    );
    return { rps: requests / ((performance.now() - started) / 1000), latencies };
  } finally {
    for (const connection of connections) connection.close();
  }
}
