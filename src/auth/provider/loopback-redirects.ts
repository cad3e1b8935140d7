import type { Provider } from 'oidc-provider';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function withoutLoopbackPort(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  url.port = '';
  return url.href;
}

/**
 * RFC 8252 §7.3: a loopback redirect URI matches whatever port the client listens on at run
 * time. oidc-provider grants that only to `application_type: native` clients; MCP clients that
 * register through DCR are mostly "web" clients with a loopback callback, so the rule is
 * extended to every client whose registered URI is itself loopback http.
 */
export function allowLoopbackPortVariance(provider: Provider): void {
  const prototype = provider.Client.prototype as {
    redirectUriAllowed: (this: { redirectUris: string[] }, value: string) => boolean;
  };
  const original = prototype.redirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(
    this: { redirectUris: string[] },
    value: string,
  ) {
    if (original.call(this, value)) return true;
    const wanted = withoutLoopbackPort(value);
    return (
      wanted !== undefined && this.redirectUris.some((uri) => withoutLoopbackPort(uri) === wanted)
    );
  };
}
