// `node scripts/get-token.mjs`: sign in as a user from the terminal and print an access token
// for the weather API. It runs the authorization code + PKCE flow as the pre-registered public
// client `cli` with a loopback callback on a free port (RFC 8252 §7.3), the way CLI tools do.
//
//   TOKEN=$(node scripts/get-token.mjs)   # open the printed URL, sign in as alice / alice
//   curl -H "Authorization: Bearer $TOKEN" http://localhost:5000/WeatherForecast
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const issuer = process.env.ISSUER_URL ?? 'http://localhost:5001';
const resource = process.env.API_BASE_URL ?? 'http://localhost:5000';
const clientId = 'cli';

const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const state = randomBytes(16).toString('base64url');

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const redirectUri = `http://127.0.0.1:${server.address().port}/oauth/callback`;

const authorize = new URL(`${issuer}/connect/authorize`);
authorize.search = new URLSearchParams({
  client_id: clientId,
  response_type: 'code',
  redirect_uri: redirectUri,
  scope: 'openid profile weatherget',
  resource,
  state,
  code_challenge: challenge,
  code_challenge_method: 'S256',
}).toString();
process.stderr.write(
  `Open this URL in a browser and sign in (alice / alice):\n\n  ${authorize.href}\n\n`,
);

const code = await new Promise((resolve, reject) => {
  server.on('request', (req, res) => {
    const url = new URL(req.url, redirectUri);
    if (url.pathname !== '/oauth/callback') return res.writeHead(404).end();
    const ok = url.searchParams.get('state') === state && url.searchParams.get('iss') === issuer;
    res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain' });
    res.end(
      ok ? 'Signed in. You can close this tab and return to the terminal.' : 'Sign-in failed.',
    );
    server.close();
    if (!ok)
      return reject(
        new Error(url.searchParams.get('error_description') ?? 'state or iss mismatch'),
      );
    resolve(url.searchParams.get('code'));
  });
});

const response = await fetch(`${issuer}/connect/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
    resource,
  }).toString(),
});
const body = await response.json();
if (!response.ok) {
  process.stderr.write(`token request failed: ${JSON.stringify(body)}\n`);
  process.exit(1);
}
process.stdout.write(`${body.access_token}\n`);
