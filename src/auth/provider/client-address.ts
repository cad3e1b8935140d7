import type { IncomingMessage } from 'node:http';

const addresses = new WeakMap<IncomingMessage, string>();

/**
 * The client address as Fastify decided it (TRUST_PROXY applied), recorded when a request is
 * handed to oidc-provider, whose own `ctx.ip` ignores the proxy settings (provider.proxy is off).
 */
export function recordClientAddress(request: IncomingMessage, address: string): void {
  addresses.set(request, address);
}

/** The recorded address; the TCP peer's for a request that did not come through the mount. */
export function clientAddress(request: IncomingMessage): string {
  return addresses.get(request) ?? request.socket.remoteAddress ?? '';
}
