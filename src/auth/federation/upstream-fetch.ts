/**
 * Outbound HTTP to upstream IdPs (discovery, JWKS, token endpoint): every body is read through
 * a cap, so a hostile or broken upstream cannot make us buffer an unbounded answer.
 */
export const UPSTREAM_BODY_LIMIT = 256 * 1024;

export class UpstreamBodyTooLarge extends Error {
  override readonly name = 'UpstreamBodyTooLarge';
}

export function cappedFetch(
  fetch: typeof globalThis.fetch,
  limit = UPSTREAM_BODY_LIMIT,
): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, { ...init, redirect: 'manual' });
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > limit) throw new UpstreamBodyTooLarge(`upstream body over ${limit} bytes`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        const chunk: Uint8Array = read.value;
        size += chunk.byteLength;
        if (size > limit) {
          await reader.cancel();
          throw new UpstreamBodyTooLarge(`upstream body over ${limit} bytes`);
        }
        chunks.push(chunk);
      }
    }
    const body = [204, 304].includes(response.status) ? null : Buffer.concat(chunks);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}
