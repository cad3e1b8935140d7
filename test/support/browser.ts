/**
 * A minimal stand-in for a user's browser: follows redirects with a cookie jar, fills the
 * AuthServer's real login and consent forms, and stops at the client's redirect URI.
 */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }
}

export interface FormPage {
  readonly url: string;
  readonly status: number;
  readonly html: string;
}

export interface LoginOptions {
  readonly username?: string;
  readonly password?: string;
  /** Stop once the browser is about to leave for a URL starting with this. */
  readonly redirectUri: string;
  /** What to press on the consent page (default allow). */
  readonly consent?: 'allow' | 'deny';
  readonly jar?: CookieJar;
}

export class TestBrowser {
  constructor(readonly jar = new CookieJar()) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.jar.store(url, response);
    return response;
  }

  /** Follows redirects until a page renders or the redirect target starts with `stopAt`. */
  async navigate(
    url: string,
    stopAt: string,
    init: RequestInit = {},
  ): Promise<{ url: string; response?: Response }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location)
        return { url: current, response };
      current = new URL(location, current).href;
      if (current.startsWith(stopAt)) return { url: current };
      response = await this.request(current);
    }
    throw new Error('too many redirects');
  }

  async submit(pageUrl: string, html: string, fields: Record<string, string>, stopAt: string) {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on ${pageUrl}: ${html.slice(0, 300)}`);
    const csrf = /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const body = new URLSearchParams({ csrf, ...fields });
    return this.navigate(new URL(decodeEntities(action), pageUrl).href, stopAt, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  /**
   * Runs an authorization request to its end: logs in if asked, consents if asked, and
   * returns the redirect URI the AuthServer sent the browser to (with `code` or `error`).
   */
  async authorize(authorizationUrl: string, options: LoginOptions): Promise<URL> {
    let step = await this.navigate(authorizationUrl, options.redirectUri);
    for (let pages = 0; pages < 4; pages++) {
      if (!step.response) return new URL(step.url);
      const html = await step.response.text();
      if (html.includes('name="password"')) {
        step = await this.submit(
          step.url,
          html,
          {
            username: options.username ?? 'alice',
            password: options.password ?? 'alice',
            action: 'login',
          },
          options.redirectUri,
        );
      } else if (html.includes('value="allow"')) {
        step = await this.submit(
          step.url,
          html,
          { action: options.consent ?? 'allow' },
          options.redirectUri,
        );
      } else {
        throw new Error(
          `unexpected page ${step.url} (${step.response.status}): ${html.slice(0, 500)}`,
        );
      }
    }
    throw new Error('authorization did not finish');
  }
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&');
}
