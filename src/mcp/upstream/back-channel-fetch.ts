import type { CustomFetch } from 'openid-client';

/**
 * A fetch for openid-client that reaches the AuthServer at its internal origin
 * (AUTH_INTERNAL_URL) whenever a URL names the public issuer's origin. Discovery then runs
 * against the public issuer identifier, so openid-client still checks that the metadata names
 * exactly that issuer (RFC 8414 §3.3), while the bytes travel over the back channel. Endpoints
 * that oidc-provider names after the internal Host pass through unchanged.
 */
export function backChannelFetch(issuer: string, internalUrl: string): CustomFetch {
  const publicOrigin = new URL(issuer).origin;
  const internalOrigin = new URL(internalUrl).origin;
  return (url, options) => {
    const target = new URL(url);
    const sent =
      target.origin === publicOrigin ? internalOrigin + url.slice(publicOrigin.length) : url;
    return fetch(sent, options);
  };
}
