import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The https origin the test documents appear to live at. */
export const CIMD_HOST = 'https://cimd.example.test';

/**
 * Client ID Metadata Documents served over real HTTP from a local server, and an outbound
 * fetch for the AuthServer that maps CIMD_HOST onto it (the SSRF guard would rightly refuse a
 * loopback client_id, so the documents keep an https name).
 */
export async function metadataDocumentHost(cacheControl?: string) {
  const documents = new Map<string, object>();
  let fetched = 0;
  const server = createServer((req, res) => {
    fetched++;
    const doc = documents.get(req.url ?? '');
    res.writeHead(doc ? 200 : 404, {
      'content-type': 'application/json',
      ...(cacheControl ? { 'cache-control': cacheControl } : {}),
    });
    res.end(JSON.stringify(doc ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fetchMapped: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const { dispatcher: _guard, ...rest } = (init ?? {}) as RequestInit & {
      dispatcher?: unknown;
    };
    return fetch(url.startsWith(CIMD_HOST) ? local + url.slice(CIMD_HOST.length) : url, rest);
  };
  return {
    documents,
    fetch: fetchMapped,
    /** How many documents the AuthServer fetched so far. */
    fetched: () => fetched,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
