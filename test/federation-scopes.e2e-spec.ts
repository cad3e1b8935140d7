import { createServer } from 'node:net';
import { SqliteAuthStore } from '../src/storage/sqlite/sqlite.store';
import { consentAndRedeem, federatedSignIn } from './support/federation-flow';
import { getWeather } from './support/flows';
import { decodeJwt } from './support/pkce';
import { startTestSystem, type TestSystem } from './support/system';
import { startUpstream, type TestUpstream } from './support/upstream-idp';

/**
 * What an upstream IdP's group claim decides, end to end over HTTP: the consent page shows what
 * the upstream said and what its rule withholds, the token lacks the withheld scope and the API
 * refuses it; a member gets the scope and the weather, and /account shows the linked identity. An upstream that is down ends on a page
 * with a retry, never a 500.
 */
const member = {
  sub: 'u-dana',
  email: 'dana@corp.test',
  name: 'Dana Member',
  groups: ['staff', 'weather-readers'],
};
const outsider = {
  sub: 'u-olaf',
  email: 'olaf@corp.test',
  name: 'Olaf Outsider',
  groups: ['staff'],
};

/** A loopback port that nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('sign-in through an upstream IdP: group rules and an upstream that is down', () => {
  let sys: TestSystem;
  let upstream: TestUpstream;
  let store: SqliteAuthStore;

  const put = (slug: string, displayName: string, issuer: string) =>
    store.federation.putUpstream(
      slug,
      JSON.stringify({
        slug,
        displayName,
        issuer,
        clientId: upstream.clientId,
        clientSecret: upstream.clientSecret,
        jit: true,
        scopeRules: [{ scope: 'weatherget', claim: 'groups', anyOf: ['weather-readers'] }],
      }),
    );

  beforeAll(async () => {
    sys = await startTestSystem({ env: { FEDERATION_TIMEOUT_SECONDS: '2' } });
    upstream = await startUpstream(`${sys.urls.issuer}/federation/callback`, outsider);
    store = new SqliteAuthStore(sys.env.SQLITE_PATH!);
    // Both before the first login page: the AuthServer keeps the list it read for 5 s.
    await put('corp', 'Corp SSO', upstream.issuer);
    await put('down', 'Down SSO', `http://127.0.0.1:${await closedPort()}`);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await upstream?.close();
    await sys?.close();
  });

  it('withholds weatherget from a non-member: consent says so, the token lacks it, the API answers 403', async () => {
    upstream.user = outsider;
    const step = await federatedSignIn(sys, 'Corp SSO');

    expect(step.page.status).toBe(200);
    expect(step.page.html).toContain('You signed in with <strong>Corp SSO</strong>. It says:');
    expect(step.page.html).toContain('<li><code>groups</code>: staff</li>');
    expect(step.page.html).toMatch(/Not granted, by Corp SSO's rules:\s*<code>weatherget<\/code>/);
    const tokens = await consentAndRedeem(sys, step);
    // With weatherget withheld, nothing is left for the API: the token carries no scope at all.
    const { scope } = decodeJwt(tokens.access_token).payload;
    expect(typeof scope === 'string' ? scope.split(' ') : []).not.toContain('weatherget');

    const weather = await getWeather(sys, tokens.access_token);
    expect(weather.status).toBe(403);
    expect(weather.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('grants weatherget to a member of weather-readers, and the API answers 200', async () => {
    upstream.user = member;
    const step = await federatedSignIn(sys, 'Corp SSO');

    expect(step.page.status).toBe(200);
    expect(step.page.html).toContain('<li><code>groups</code>: staff, weather-readers</li>');
    expect(step.page.html).not.toContain('Not granted');
    const tokens = await consentAndRedeem(sys, step);
    expect((decodeJwt(tokens.access_token).payload.scope as string).split(' ')).toContain(
      'weatherget',
    );
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);

    const account = await step.browser.request(`${sys.urls.issuer}/account`);
    const html = await account.text();
    expect(account.status).toBe(200);
    expect(html).toContain('Linked identities');
    expect(html).toMatch(/<h3>Corp SSO<\/h3>\s*<dl>\s*<dt>Email<\/dt>\s*<dd>dana@corp.test<\/dd>/);
  });

  it('ends on a page with a retry when the upstream refuses connections, and the retry works', async () => {
    const step = await federatedSignIn(sys, 'Down SSO');

    expect(step.page.status).toBe(502);
    expect(step.page.html).toMatch(/role="alert">The identity provider could not be reached\./);
    const retry = /<a class="retry" href="([^"]+)">Try again<\/a>/.exec(step.page.html)?.[1];
    expect(retry).toMatch(/^\/interaction\//);
    const again = await step.browser.request(new URL(retry!, sys.urls.issuer).href);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Continue with Down SSO');
  });
});
