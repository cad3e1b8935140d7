import type { Provider } from 'oidc-provider';

/**
 * oidc-provider builds the URLs it publishes (discovery, redirects to its own endpoints) from
 * the request's origin, which comes from the Host header, or X-Forwarded-Host behind a proxy:
 * both are chosen by whoever sends the request. Every request is instead given the issuer's
 * origin, so published URLs always derive from ISSUER_URL: a forged Host cannot make discovery
 * point clients at another server's endpoints (or poison a cache with it). The issuer's
 * scheme also decides whether cookies are marked Secure behind a TLS-terminating proxy.
 */
export function pinOriginToIssuer(provider: Provider, issuer: string): void {
  const { protocol, host, hostname } = new URL(issuer);
  // The provider is the Koa app; `provider.request` is the prototype of every request's
  // `ctx.request`, so this holds for all of them at no cost per request.
  Object.defineProperties(provider.request, {
    protocol: { value: protocol.slice(0, -1) },
    host: { value: host },
    hostname: { value: hostname },
  });
}
