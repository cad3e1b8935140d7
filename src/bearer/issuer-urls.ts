/**
 * The one rewrite between the AuthServer's public URLs and the name this process reaches it
 * by (AUTH_INTERNAL_URL, when containers see each other under other names): the origin is
 * swapped, the path kept, since both names lead to the same server. Byte-prefix matching
 * only: a URL that merely resembles the origin (`…:5001.evil`, userinfo) is left alone.
 */
export class IssuerUrls {
  private readonly publicOrigin: string;
  private readonly internalOrigin: string;

  constructor(issuer: string, internalUrl: string) {
    this.publicOrigin = new URL(issuer).origin;
    this.internalOrigin = new URL(internalUrl).origin;
  }

  /** Where a back-channel request to this URL goes. */
  toInternal(url: string): string {
    return swapOrigin(url, this.publicOrigin, this.internalOrigin);
  }

  /**
   * The URL as clients must see it: oidc-provider names its endpoints after the Host it was
   * asked on, so metadata fetched over the back channel names the internal origin.
   */
  toPublic(url: string): string {
    return swapOrigin(url, this.internalOrigin, this.publicOrigin);
  }

  /** Development issuers and back channels inside a private network are plain HTTP. */
  get plainHttp(): boolean {
    return [this.publicOrigin, this.internalOrigin].some((o) => o.startsWith('http:'));
  }
}

function swapOrigin(url: string, from: string, to: string): string {
  if (from === to) return url;
  return url === from || url.startsWith(`${from}/`) ? to + url.slice(from.length) : url;
}
