// A cookie-jar browser over fetch for the soak and the bench: it follows redirects by hand and
// fills the AuthServer's real login and consent forms, as a user's browser does. Every request
// carries a deadline, and every answer is reported to `record`, so a hang or a 5xx anywhere in a
// sign-in is counted.
import { createHash, randomBytes } from 'node:crypto';

export const REQUEST_TIMEOUT_MS = 10_000;

export class Browser {
  #cookies = new Map();

  /** `record(route, status, ms)`: one answer; status 0 is a network error or a timeout. */
  constructor(record = () => {}) {
    this.record = record;
  }

  async request(route, url, init = {}) {
    const started = performance.now();
    let response;
    try {
      response = await fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: { ...init.headers, cookie: this.#header() },
      });
      this.#store(response);
      const body = await response.text();
      this.record(route, response.status, performance.now() - started);
      return { status: response.status, headers: response.headers, body, url };
    } catch (error) {
      this.record(route, 0, performance.now() - started);
      throw new Error(`${route}: ${error.message}`, { cause: error });
    }
  }

  /**
   * Follows `url` through redirects, the login form (as `user`) and the consent form. Stops at
   * a redirect to `stopAt` (the client's redirect URI), returning that URL, or at a page that
   * is neither form, returning the page.
   */
  async follow(url, { stopAt, user = 'alice', password = user } = {}) {
    let page = await this.request(routeOf(url), url);
    let loggedIn = false;
    for (let hops = 0; hops < 30; hops++) {
      const location = page.headers.get('location');
      if (location) {
        const next = new URL(location, page.url).href;
        if (stopAt && next.startsWith(stopAt)) return { redirect: new URL(next) };
        page = await this.request(routeOf(next), next);
        continue;
      }
      // A login form shown again after a sign-in refused it: the caller reads the page.
      const fields = page.body.includes('name="password"')
        ? loggedIn
          ? undefined
          : { username: user, password, action: 'login' }
        : page.body.includes('name="action" value="allow"')
          ? { action: 'allow' }
          : undefined;
      if (!fields || page.status !== 200) return { page };
      if (fields.action === 'login') loggedIn = true;
      const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
      const target = new URL(action, page.url).href;
      page = await this.request(routeOf(target), target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: new URL(target).origin,
        },
        body: new URLSearchParams({ csrf: fieldOf(page.body, 'csrf') ?? '', ...fields }).toString(),
      });
    }
    throw new Error(`more than 30 steps from ${url}`);
  }

  #header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

export const fieldOf = (html, name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

/** A route pattern for the figures, so ids in paths do not make one route per request. */
export function routeOf(url) {
  const { pathname } = new URL(url);
  return pathname
    .replace(/^\/interaction\/[^/]+/, '/interaction/:uid')
    .replace(/^\/connect\/authorize\/.+/, '/connect/authorize/:uid');
}

/**
 * Authorization code + PKCE through the real forms; resolves to the token response. `user`:
 * { name, password }; `dpop`: a key whose proof binds the token to it (RFC 9449 §5).
 */
export async function signIn(
  browser,
  { issuer, clientId, clientSecret, redirectUri, scope, resource, user, dpop },
) {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${issuer}/connect/authorize`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    resource,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString();
  const { redirect } = await browser.follow(authorize.href, {
    stopAt: redirectUri,
    user: user.name,
    password: user.password,
  });
  const code = redirect?.searchParams.get('code');
  if (!code) throw new Error(`sign-in as ${clientId} ended without a code`);
  const answer = await browser.request('/connect/token', `${issuer}/connect/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(clientSecret
        ? {
            authorization: 'Basic ' + Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
          }
        : {}),
      ...(dpop ? { dpop: dpop.proof('POST', `${issuer}/connect/token`) } : {}),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      resource,
      ...(clientSecret ? {} : { client_id: clientId }),
    }).toString(),
  });
  if (answer.status !== 200)
    throw new Error(`code exchange answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body);
}
