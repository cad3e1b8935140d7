// Authorization code + PKCE as alice over plain HTTP (login and consent forms), for the bench's
// user tokens. A small cookie jar and redirect follower; the test suites have their own.
import { createHash, randomBytes } from 'node:crypto';

function jar() {
  const cookies = new Map();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    store(response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        const value = pair.slice(eq + 1).trim();
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(pair.slice(0, eq).trim());
        else cookies.set(pair.slice(0, eq).trim(), value);
      }
    },
  };
}

export async function codeFlow({ issuer, redirectUri, resource, scope, clientId = 'interactive', dpop }) {
  const cookies = jar();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${issuer}/connect/authorize`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    resource,
    state: 'bench',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString();
  const go = async (url, init = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: cookies.header() } });
    cookies.store(response);
    return response;
  };
  let url = authorize.href;
  let response = await go(url);
  for (let hops = 0; hops < 30; hops++) {
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      if (url.startsWith(redirectUri)) break;
      response = await go(url);
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    if (!action) throw new Error(`unexpected page ${url}: ${html.slice(0, 200)}`);
    const csrf = /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const fields = html.includes('name="password"')
      ? { username: 'alice', password: 'alice', action: 'login' }
      : { action: 'allow' };
    url = new URL(action, url).href;
    response = await go(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, ...fields }).toString(),
    });
  }
  const code = new URL(url).searchParams.get('code');
  if (!code) throw new Error(`no code: ${url}`);
  const token = await fetch(`${issuer}/connect/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // A proof here binds the token to `dpop`'s key (RFC 9449 §5).
      ...(dpop && { dpop: dpop.proof('POST', `${issuer}/connect/token`) }),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
      resource,
    }).toString(),
  });
  if (!token.ok) throw new Error(`token request: ${token.status} ${await token.text()}`);
  return token.json();
}
