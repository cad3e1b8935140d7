import { TestBrowser } from './support/browser';
import { codeFlow, getWeather, tokenRequest } from './support/flows';
import { pkcePair } from './support/pkce';
import { createTestDatabase, TestDatabase } from './support/postgres';
import { describeWithPostgres } from './support/postgres-available';
import { startTestSystem, TestSystem } from './support/system';

async function jwksKids(sys: TestSystem): Promise<string[]> {
  const base = sys.system.listening.get('auth')!;
  const jwks = (await (await fetch(`${base}/.well-known/openid-configuration/jwks`)).json()) as {
    keys: { kid: string; d?: string }[];
  };
  expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  return jwks.keys.map((k) => k.kid);
}

/** Signs in, restarts, and checks that sessions, grants, refresh tokens and keys survived. */
async function survivesRestart(env: Record<string, string>) {
  const first = await startTestSystem({ env: { ROLES: 'auth,api', ...env }, keepData: true });
  const browser = new TestBrowser();
  let tokens;
  let kids;
  try {
    tokens = await codeFlow(first, { browser });
    kids = await jwksKids(first);
  } finally {
    await first.close();
  }

  const second = await startTestSystem({ reuse: first });
  try {
    expect(await jwksKids(second)).toEqual(kids);
    // A token signed before the restart still verifies: same key.
    expect((await getWeather(second, tokens.access_token)).status).toBe(200);

    const refreshed = await tokenRequest(second, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: 'interactive',
    });
    expect(refreshed.status).toBe(200);

    // The browser's session survived too: no login page this time, straight back with a code.
    const { challenge } = pkcePair();
    const authorize = new URL(`${second.urls.issuer}/connect/authorize`);
    authorize.search = new URLSearchParams({
      client_id: 'interactive',
      response_type: 'code',
      redirect_uri: `${second.urls.spa}/signin-oidc`,
      scope: 'openid weatherget',
      resource: second.urls.api,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const step = await browser.navigate(authorize.href, `${second.urls.spa}/signin-oidc`);
    expect(new URL(step.url).searchParams.get('code')).toBeTruthy();
  } finally {
    await second.close();
  }
}

describe('state survives a restart', () => {
  it('on the embedded SQLite default', async () => {
    await survivesRestart({});
  });

  describeWithPostgres('on PostgreSQL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = (await createTestDatabase())!;
    });
    afterAll(() => db?.drop());

    it('keeps sessions, refresh tokens and keys', async () => {
      await survivesRestart({ DATABASE_URL: db.url });
    });

    it('lets two AuthServer instances share one state: sign in on one, refresh on the other', async () => {
      const a = await startTestSystem({ env: { ROLES: 'auth', DATABASE_URL: db.url } });
      const b = await startTestSystem({
        env: {
          ROLES: 'auth',
          DATABASE_URL: db.url,
          // B serves the same issuer identity on another port, as a second replica would.
          ISSUER_URL: a.urls.issuer,
          AUTH_PORT: '0',
        },
      });
      try {
        const tokens = await codeFlow(a, { resources: [], scope: 'openid offline_access' });
        const response = await fetch(`${b.system.listening.get('auth')!}/connect/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token!,
            client_id: 'interactive',
          }).toString(),
        });
        expect(response.status).toBe(200);
        expect(await jwksKids(b)).toEqual(await jwksKids(a));
      } finally {
        await b.close();
        await a.close();
      }
    });
  });
});
