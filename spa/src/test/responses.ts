/** Small Response builders for fetch mocks. */
export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  });
}

export function sseResponse(events: readonly unknown[], init: ResponseInit = {}): Response {
  const body = events.map((event) => `event: message\ndata: ${JSON.stringify(event)}\n\n`).join('');
  return new Response(body, {
    ...init,
    headers: { 'Content-Type': 'text/event-stream', ...init.headers },
  });
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}
