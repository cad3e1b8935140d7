// The soak's load: what one deployment sees, as weighted operations (README "Soak"). Each
// operation checks its answers and reports anything unexpected; refresh chains and revoked
// grants are remembered so the end of the run can prove that no write was lost.
import { randomBytes } from 'node:crypto';
import { Browser, fieldOf, signIn, REQUEST_TIMEOUT_MS } from '../lib/browser.mjs';

/** Operations per 100: the proportions the README states. */
export const MIX = {
  apiCall: 45,
  mcpToolCall: 20,
  refresh: 15,
  signIn: 8,
  hostile: 6,
  registration: 3,
  revocation: 3,
};

/** Refresh chains in use at once; older ones are kept aside and only checked at the end. */
const ACTIVE_CHAINS = 24;
const MCP_TOKENS = 8;
const MCP_CLIENT = {
  clientId: 'mcpclient',
  clientSecret: 'mcpclient_secret',
  redirectUri: 'http://localhost:3334/oauth/callback',
};
const NATIVE_REDIRECT = 'http://127.0.0.1:4567/callback';

export class Mix {
  requests = [];
  unexpected = [];
  chains = [];
  retired = [];
  revoked = [];
  mcpTokens = [];
  registered = 0;

  constructor(urls, users, startedAt) {
    this.urls = urls;
    this.users = users;
    this.startedAt = startedAt;
    this.record = (route, status, ms) =>
      this.requests.push({ t: (performance.now() - startedAt) / 1000, route, status, ms });
  }

  /** One request outside a browser, recorded like the browser's. */
  async http(route, url, init = {}) {
    return new Browser(this.record).request(route, url, init);
  }

  expect(what, answer, ok) {
    if (!ok) this.unexpected.push(`${what}: ${answer.status} ${answer.body.slice(0, 80)}`);
    return ok;
  }

  user() {
    return this.users[Math.floor(Math.random() * this.users.length)];
  }

  /**
   * Operations are dealt from shuffled decks of 100 in the stated proportions: every hundred
   * operations hold exactly 8 sign-ins, 3 revocations and so on. Independent draws let chance
   * put a dozen sign-ins (each a deliberately slow password hash) into one stretch of the run,
   * and the thirds the goals compare would then differ by luck rather than by what the server
   * did. The order inside a deck stays random.
   */
  pick() {
    if (this.#deck.length === 0) {
      this.#deck = Object.entries(MIX).flatMap(([name, weight]) => Array(weight).fill(name));
      for (let i = this.#deck.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [this.#deck[i], this.#deck[j]] = [this.#deck[j], this.#deck[i]];
      }
    }
    return this.#deck.pop();
  }

  #deck = [];

  async run(name) {
    try {
      await this[name]();
    } catch (error) {
      this.unexpected.push(`${name}: ${error.message}`);
    }
  }

  /** Sign-ins until there is something to call with. */
  async prime() {
    while (this.chains.length < 4) await this.signIn(true);
    while (this.mcpTokens.length < 2) await this.signInMcp();
  }

  async signIn(spa = Math.random() < 2 / 3) {
    if (!spa) return this.signInMcp();
    const user = this.user();
    const tokens = await signIn(new Browser(this.record), {
      issuer: this.urls.auth,
      clientId: 'interactive',
      redirectUri: `${this.urls.spa}/signin-oidc`,
      scope: 'openid offline_access weatherget',
      resource: this.urls.api,
      user,
    });
    this.chains.push({
      refreshToken: tokens.refresh_token,
      accessToken: tokens.access_token,
      busy: false,
      user: user.name,
    });
    if (this.chains.length > ACTIVE_CHAINS)
      this.retired.push(...this.chains.splice(0, this.chains.length - ACTIVE_CHAINS));
  }

  async signInMcp() {
    const tokens = await signIn(new Browser(this.record), {
      issuer: this.urls.auth,
      ...MCP_CLIENT,
      scope: 'openid weatherget',
      resource: `${this.urls.mcp}/mcp`,
      user: this.user(),
    });
    this.mcpTokens.push(tokens.access_token);
    if (this.mcpTokens.length > MCP_TOKENS) this.mcpTokens.shift();
  }

  async apiCall() {
    const chain = this.chains[Math.floor(Math.random() * this.chains.length)];
    const answer = await this.http('GET /WeatherForecast', `${this.urls.api}/WeatherForecast`, {
      headers: { authorization: `Bearer ${chain.accessToken}` },
    });
    this.expect('API call', answer, answer.status === 200);
  }

  async mcpToolCall() {
    const token = this.mcpTokens[Math.floor(Math.random() * this.mcpTokens.length)];
    const answer = await this.toolCall(token);
    this.expect(
      'MCP tools/call',
      answer,
      answer.status === 200 &&
        answer.body.includes('temperatureC') &&
        !answer.body.includes('"isError":true'),
    );
  }

  toolCall(token) {
    return this.http('POST /mcp tools/call', `${this.urls.mcp}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'get-weather-forecast', arguments: {} },
      }),
    });
  }

  refreshGrant(refreshToken, clientId = 'interactive') {
    return this.http('POST /connect/token refresh', `${this.urls.auth}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
      }).toString(),
    });
  }

  /** Rotation: a chain is refreshed by one request at a time, as a well-behaved client does. */
  async refresh() {
    const idle = this.chains.filter((c) => !c.busy);
    if (idle.length === 0) return this.apiCall();
    const chain = idle[Math.floor(Math.random() * idle.length)];
    chain.busy = true;
    try {
      const answer = await this.refreshGrant(chain.refreshToken);
      if (this.expect('refresh', answer, answer.status === 200)) {
        const tokens = JSON.parse(answer.body);
        chain.refreshToken = tokens.refresh_token;
        chain.accessToken = tokens.access_token;
      }
    } finally {
      chain.busy = false;
    }
  }

  /**
   * Registrations come from many addresses in a deployment, each under the per-address limit;
   * the soak sends them through the proxy the server trusts (TRUST_PROXY), one address each.
   */
  register(name) {
    return this.http('POST /connect/register', `${this.urls.auth}/connect/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': randomAddress() },
      body: JSON.stringify({
        client_name: name,
        application_type: 'native',
        redirect_uris: [NATIVE_REDIRECT],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      }),
    });
  }

  async registration() {
    const answer = await this.register(`Soak client ${randomBytes(4).toString('hex')}`);
    if (this.expect('registration', answer, answer.status === 201)) this.registered++;
  }

  /**
   * A user connects a newly registered client, then revokes it on /account through the page's
   * own form: its refresh token and access token must stop working.
   */
  async revocation() {
    const name = `Soak revoked ${randomBytes(4).toString('hex')}`;
    const registration = await this.register(name);
    if (!this.expect('registration before revocation', registration, registration.status === 201))
      return;
    const clientId = JSON.parse(registration.body).client_id;
    const browser = new Browser(this.record);
    const user = this.user();
    const tokens = await signIn(browser, {
      issuer: this.urls.auth,
      clientId,
      redirectUri: NATIVE_REDIRECT,
      scope: 'openid weatherget',
      resource: `${this.urls.mcp}/mcp`,
      user,
    });
    const { page } = await browser.follow(`${this.urls.auth}/account`, {
      user: user.name,
      password: user.password,
    });
    const entry = page?.body
      .split('<li class="app">')
      .find((e) => e.includes(`<span class="app-name">${name}</span>`));
    const grant = entry && fieldOf(entry, 'grant');
    if (!grant) return void this.unexpected.push(`revocation: ${name} not listed on /account`);
    const done = await browser.request('POST /account/revoke', `${this.urls.auth}/account/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(this.urls.auth).origin,
      },
      body: new URLSearchParams({ grant, csrf: fieldOf(page.body, 'csrf') }).toString(),
    });
    if (this.expect('revocation on /account', done, done.status === 303)) {
      this.revoked.push({
        clientId,
        refreshToken: tokens.refresh_token,
        accessToken: tokens.access_token,
      });
    }
  }

  /** Requests an attacker or a broken client sends: each must be refused with a 4xx. */
  async hostile() {
    const forged = `${Buffer.from('{"alg":"RS256","kid":"made-up"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.AAAA`;
    const refused = (answer) => answer.status >= 400 && answer.status < 500;
    // [send, accepted]: what each is expected to get.
    const attempts = [
      [
        () =>
          this.http('hostile GET /WeatherForecast', `${this.urls.api}/WeatherForecast`, {
            headers: { authorization: `Bearer ${forged}` },
          }),
        (a) => a.status === 401,
      ],
      [
        () =>
          this.http('hostile POST /mcp', `${this.urls.mcp}/mcp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"jsonrpc":"2.0"',
          }),
        (a) => a.status === 400 || a.status === 401,
      ],
      [() => this.refreshGrant(randomBytes(32).toString('base64url')), (a) => a.status === 400],
      [
        () =>
          this.http('hostile POST /connect/register', `${this.urls.auth}/connect/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': randomAddress() },
            body: JSON.stringify({ redirect_uris: ['javascript:alert(1)'] }),
          }),
        (a) => a.status === 400,
      ],
      // Without a session the form is not even read: the visitor is sent to sign in (303).
      [
        () =>
          this.http('hostile POST /account/revoke', `${this.urls.auth}/account/revoke`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              origin: 'https://evil.example',
            },
            body: 'grant=x&csrf=forged',
          }),
        (a) => a.status === 303 || refused(a),
      ],
      [
        async () => {
          // A wrong password for a user that does not exist: refused, and throttled after a few.
          const browser = new Browser(this.record);
          const authorize = `${this.urls.auth}/connect/authorize?${new URLSearchParams({ client_id: 'interactive', response_type: 'code', redirect_uri: `${this.urls.spa}/signin-oidc`, scope: 'openid', code_challenge: randomBytes(32).toString('base64url'), code_challenge_method: 'S256' })}`;
          const { page } = await browser.follow(authorize, {
            stopAt: `${this.urls.spa}/signin-oidc`,
            user: 'mallory',
            password: 'guess',
          });
          return page ?? { status: 302, body: 'signed in as mallory' };
        },
        (a) => a.status === 200 || refused(a),
      ],
    ];
    const [send, accepted] = attempts[Math.floor(Math.random() * attempts.length)];
    const answer = await send();
    this.expect(`hostile ${answer.url ?? ''}`, answer, accepted(answer));
  }

  /**
   * What the run wrote must still hold: each chain's newest refresh token is accepted, and each
   * grant revoked on /account stays revoked (refresh refused, access token refused).
   */
  async verifyWrites() {
    const lost = [];
    const chains = [...this.chains, ...this.retired];
    const queue = [...chains.map((c) => ['chain', c]), ...this.revoked.map((r) => ['revoked', r])];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          const [kind, c] = item;
          if (kind === 'chain') {
            const answer = await this.refreshGrant(c.refreshToken);
            if (answer.status !== 200)
              lost.push(
                `a refresh chain of ${c.user}: ${answer.status} ${answer.body.slice(0, 80)}`,
              );
          } else {
            const refresh = await this.refreshGrant(c.refreshToken, c.clientId);
            const call = await this.toolCall(c.accessToken);
            if (refresh.status !== 400 || call.status !== 401)
              lost.push(
                `a revocation came undone: refresh ${refresh.status}, tool call ${call.status}`,
              );
          }
        }
      }),
    );
    return { lost, chainsChecked: chains.length, revocationsChecked: this.revoked.length };
  }
}

const randomAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join('.')}`;

export { REQUEST_TIMEOUT_MS };
