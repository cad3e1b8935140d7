import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { hashPassword } from '../src/auth/users/password';
import { codeFlow, getWeather, openLoginPage, tokenRequest } from './support/flows';
import { PRODUCTION_ENV } from './support/production-env';
import { basicAuth, decodeJwt } from './support/pkce';
import { startTestSystem, TestSystem } from './support/system';

const CAROL = {
  sub: 'c-123',
  name: 'Carol Jones',
  given_name: 'Carol',
  family_name: 'Jones',
  website: 'https://carol.example.com',
  email: 'carol@example.com',
  email_verified: true,
};

/** Fills in the real login page once; the status of the AuthServer's answer to the form. */
async function loginStatus(sys: TestSystem, username: string, password: string) {
  const { browser, url, html } = await openLoginPage(sys);
  const login = await browser.submit(
    url,
    html,
    { username, password, action: 'login' },
    sys.urls.spa,
  );
  return login.response?.status ?? 'redirected to the client';
}

describe('users from USERS_FILE in production', () => {
  let dir: string;
  let sys: TestSystem;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'users-file-e2e-'));
    const usersFile = join(dir, 'users.json');
    writeFileSync(
      usersFile,
      JSON.stringify({
        users: [
          {
            username: 'carol',
            passwordHash: await hashPassword('a long passphrase for carol'),
            claims: CAROL,
          },
        ],
      }),
    );
    sys = await startTestSystem({
      env: { ROLES: 'auth,api', ...PRODUCTION_ENV, USERS_FILE: usersFile },
    });
  });
  afterAll(async () => {
    await sys?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs carol in through the login page; her tokens carry her sub and profile', async () => {
    const tokens = await codeFlow(sys, {
      username: 'carol',
      password: 'a long passphrase for carol',
    });

    expect(decodeJwt(tokens.id_token!).payload).toMatchObject({
      iss: sys.urls.issuer,
      aud: 'interactive',
      ...CAROL,
      preferred_username: 'carol',
    });
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({
      sub: 'c-123',
      aud: sys.urls.api,
    });
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
  });

  it('refuses carol with a wrong password, and alice, who exists only in development', async () => {
    expect(await loginStatus(sys, 'carol', 'a long passphrase for Carol')).toBe(401);
    expect(await loginStatus(sys, 'alice', 'alice')).toBe(401);
  });
});

describe('production without USERS_FILE', () => {
  it('starts, serves client credentials, and warns loudly that nobody can sign in', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const sys = await startTestSystem({
      env: { ROLES: 'auth', ...PRODUCTION_ENV },
      logger: pino({ level: 'info' }, sink),
    });
    try {
      const warnings = logged
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((entry) => entry.level === 40);
      expect(warnings).toEqual([
        expect.objectContaining({
          msg: expect.stringMatching(/^NOBODY CAN SIGN IN: .*USERS_FILE/) as string,
          role: 'auth',
          users: 0,
        }),
      ]);

      const response = await tokenRequest(
        sys,
        { grant_type: 'client_credentials', scope: 'api' },
        basicAuth('m2m.client', PRODUCTION_ENV.M2M_CLIENT_SECRET),
      );
      expect(response.status).toBe(200);
      expect(await loginStatus(sys, 'alice', 'alice')).toBe(401);
    } finally {
      await sys.close();
    }
  });
});

describe('a broken users file', () => {
  it('stops the AuthServer at start-up, naming the file and the entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'users-file-e2e-'));
    const usersFile = join(dir, 'users.json');
    writeFileSync(
      usersFile,
      JSON.stringify({ users: [{ username: 'dave', password: 'hunter2', claims: { sub: 'd' } }] }),
    );
    try {
      const started = startTestSystem({
        env: { ROLES: 'auth', ...PRODUCTION_ENV, USERS_FILE: usersFile },
      });
      await expect(started).rejects.toMatchObject({ code: 'ERR_USERS_FILE', file: usersFile });
      await expect(started).rejects.toThrow(`users[0] ("dave"): has a "password" field`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
