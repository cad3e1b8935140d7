import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TestBrowser } from './support/browser';
import { codeFlow, getWeather, openLoginPage, tokenRequest } from './support/flows';
import { mcpInitialize, postMcp } from './support/mcp';
import { startTestSystem, TestSystem } from './support/system';
import {
  dayLongTokens,
  expectListedPast,
  startDayLongTokenSystem,
} from './support/day-long-tokens';

const SCRIPT = join(__dirname, '..', 'scripts', 'admin.mjs');
const PASSWORD = 'a-long-and-unusual-secret';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run admin` as an operator runs it: a separate process (from dist/) on the server's
 * store, while the system serves; users it adds sign in through the real login page, and
 * disabling one ends their tokens at the API and the MCP server.
 */
// Each command is a new Node process loading the build: seconds apiece on a busy machine.
jest.setTimeout(180_000);

describe('npm run admin', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp' } });
  });
  afterAll(() => sys?.close());

  const admin = (args: string[], stdin = '') => runAdmin(sys, args, stdin);

  const signIn = (username: string, password: string, resources = [sys.urls.api]) =>
    codeFlow(sys, { username, password, resources });

  it('adds a user who signs in through the login page; disabling them refuses their tokens within a second', async () => {
    const added = await admin(
      ['users', 'add', 'erin', '--name', 'Erin Example'],
      `${PASSWORD}\n${PASSWORD}\n`,
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(/^added user "erin" \(sub [0-9a-f-]{36}\)\n$/);

    const forApi = await signIn('erin', PASSWORD);
    // Two sign-ins in two browsers: two grants and two sessions.
    const forMcp = await signIn('erin', PASSWORD, [`${sys.urls.mcp}/mcp`]);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await getWeather(sys, forApi.access_token)).status).toBe(200);
    expect((await postMcp(sys, mcpInitialize(), bearer(forMcp.access_token))).status).toBe(200);

    const disabled = await admin(['users', 'disable', 'erin']);
    const disabledAt = Date.now();
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toBe('disabled user "erin": 2 grant(s) revoked, 2 session(s) ended\n');

    // The CLI is another process: its revocations reach the API's and the MCP server's
    // in-memory copies through the store's feed, within a second, not at the tokens' expiry.
    const api = await refusedWithin(1000, () => getWeather(sys, forApi.access_token));
    const mcp = await refusedWithin(1000, () =>
      postMcp(sys, mcpInitialize(), bearer(forMcp.access_token)),
    );
    expect(Date.now() - disabledAt).toBeLessThan(1000);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('token revoked');
    expect(mcp.status).toBe(401);

    const refresh = await tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: forApi.refresh_token!,
      client_id: 'interactive',
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a disabled user at the login page, and lets them in again once enabled', async () => {
    await admin(['users', 'add', 'frank'], `${PASSWORD}\n`);
    await admin(['users', 'disable', 'frank']);

    const { browser, url, html } = await openLoginPage(sys);
    const attempt = await browser.submit(
      url,
      html,
      { username: 'frank', password: PASSWORD, action: 'login' },
      sys.urls.spa,
    );
    expect(attempt.response).toBeDefined();
    expect(await attempt.response!.text()).toContain('name="password"');

    expect((await admin(['users', 'enable', 'frank'])).code).toBe(0);
    const tokens = await codeFlow(sys, {
      username: 'frank',
      password: PASSWORD,
      browser: new TestBrowser(),
    });
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
  });

  it.each([
    ['an empty password', '', 'admin: the password is empty\n'],
    [
      'a short password',
      'short-pw\n',
      'admin: the password is too short: use at least 12 characters\n',
    ],
    [
      'a common password',
      'password1234\n',
      'admin: the password is too common: choose one nobody would guess\n',
    ],
    ['two different lines', `${PASSWORD}\n${PASSWORD}x\n`, 'admin: the two passwords differ\n'],
  ])(
    'refuses %s with a clear message and exit code 1, adding nobody',
    async (_, stdin, message) => {
      const run = await admin(['users', 'add', 'gina'], stdin);

      expect(run).toEqual({ code: 1, stdout: '', stderr: message });
      const list = await admin(['users', 'list', '--json']);
      const users = JSON.parse(list.stdout) as { username: string }[];
      expect(users.map((u) => u.username)).not.toContain('gina');
    },
  );

  it('never takes a password from the command line', async () => {
    const run = await admin(['users', 'add', 'gina', '--password', PASSWORD]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('never from arguments');
  });

  it('changes a password, after which only the new one signs in', async () => {
    await admin(['users', 'add', 'hank'], `${PASSWORD}\n`);
    const changed = await admin(['users', 'set-password', 'hank'], 'another-long-secret\n');
    expect(changed.code).toBe(0);

    const { browser, url, html } = await openLoginPage(sys);
    const old = await browser.submit(
      url,
      html,
      { username: 'hank', password: PASSWORD, action: 'login' },
      sys.urls.spa,
    );
    expect(await old.response!.text()).toContain('name="password"');
    const tokens = await codeFlow(sys, { username: 'hank', password: 'another-long-secret' });
    expect((await getWeather(sys, tokens.access_token)).status).toBe(200);
  });

  it('lists users as a table and as JSON, without password hashes', async () => {
    await admin(['users', 'add', 'ivy'], `${PASSWORD}\n`);
    await admin(['users', 'disable', 'ivy']);

    const table = await admin(['users', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^USERNAME +SUB +STATUS +ORIGIN +CREATED$/);
    expect(lines).toContainEqual(expect.stringMatching(/^alice +818727 +enabled +development /));
    expect(lines).toContainEqual(expect.stringMatching(/^ivy +[0-9a-f-]{36} +disabled +admin /));

    const json = await admin(['users', 'list', '--json']);
    expect(json.stdout).not.toContain('scrypt$');
    const users = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(users.find((u) => u.username === 'ivy')).toMatchObject({
      origin: 'admin',
      disabled: true,
      disabledAt: expect.any(Number) as number,
    });
  });

  it('removes a user: their tokens are refused and they cannot sign in', async () => {
    await admin(['users', 'add', 'jo'], `${PASSWORD}\n`);
    const tokens = await signIn('jo', PASSWORD);

    const removed = await admin(['users', 'remove', 'jo', '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({
      username: 'jo',
      removed: true,
      grants: 1,
      sessions: 1,
    });

    expect((await refusedWithin(1000, () => getWeather(sys, tokens.access_token))).status).toBe(
      401,
    );
    expect((await admin(['users', 'disable', 'jo'])).stderr).toBe('admin: no user "jo"\n');
  });

  it('signs a user out everywhere with sessions revoke, without disabling them', async () => {
    await admin(['users', 'add', 'kim'], `${PASSWORD}\n`);
    const tokens = await signIn('kim', PASSWORD);

    const revoked = await admin(['sessions', 'revoke', '--user', 'kim']);
    expect(revoked.stdout).toBe('revoked 1 grant(s) and 1 session(s) of "kim"\n');
    expect((await refusedWithin(1000, () => getWeather(sys, tokens.access_token))).status).toBe(
      401,
    );
    const again = await signIn('kim', PASSWORD);
    expect((await getWeather(sys, again.access_token)).status).toBe(200);
  });

  describe('clients', () => {
    const redirectUri = 'http://127.0.0.1:9999/cb';

    async function register(): Promise<string> {
      const response = await fetch(`${sys.urls.issuer}/connect/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'Forecast Helper',
          redirect_uris: [redirectUri],
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { client_id: string }).client_id;
    }

    it('lists, shows and removes a dynamically registered client, refusing its tokens after', async () => {
      const clientId = await register();
      const tokens = await codeFlow(sys, { clientId, redirectUri });
      expect((await getWeather(sys, tokens.access_token)).status).toBe(200);

      const list = await admin(['clients', 'list', '--json']);
      const clients = JSON.parse(list.stdout) as Record<string, unknown>[];
      expect(clients.find((c) => c.clientId === clientId)).toEqual({
        clientId,
        kind: 'registered',
        name: 'Forecast Helper',
        registeredAt: expect.any(Number) as number,
        lastUsed: expect.any(Number) as number,
        redirectHosts: ['127.0.0.1:9999'],
        redirectUris: [redirectUri],
      });
      expect(clients.map((c) => c.clientId)).not.toContain('interactive');

      const table = await admin(['clients', 'list']);
      expect(table.stdout.split('\n')[0]).toMatch(
        /^CLIENT_ID +KIND +NAME +REGISTERED +LAST USED +REDIRECT HOSTS$/,
      );
      expect(table.stdout).toMatch(
        new RegExp(
          `${clientId} +registered +Forecast Helper +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ +\\d{4}-.+ +127\\.0\\.0\\.1:9999`,
        ),
      );

      const show = await admin(['clients', 'show', clientId]);
      expect(show.stdout).toContain(`redirect uri  ${redirectUri}\n`);
      expect(show.stdout).toContain('live grants   1\n');

      const removed = await admin(['clients', 'remove', clientId]);
      expect(removed).toEqual({
        code: 0,
        stdout: `removed client "${clientId}": 1 grant(s) revoked\n`,
        stderr: '',
      });
      expect((await refusedWithin(1000, () => getWeather(sys, tokens.access_token))).status).toBe(
        401,
      );
      const refresh = await tokenRequest(sys, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: clientId,
      });
      expect(refresh.status).toBe(401);
      expect(await refresh.json()).toMatchObject({ error: 'invalid_client' });
      expect((await admin(['clients', 'show', clientId])).code).toBe(1);
    });

    it('prints the stored name of a client with its control characters escaped, never raw', async () => {
      // Stored before registration refused such names (or by an older version): a terminal
      // would take these for commands (set the title, clear the screen, reverse the text).
      const name = 'Evil\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eHelper\u200b';
      await sys.system.store!.upsert('Client', 'raw-name', {
        client_id: 'raw-name',
        client_name: name,
        client_id_issued_at: Math.floor(Date.now() / 1000),
        redirect_uris: [redirectUri],
      });
      // Any control or invisible character but the output's own line breaks.
      const raw = (out: string) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(out.replaceAll('\n', ''));

      for (const args of [
        ['clients', 'list'],
        ['clients', 'show', 'raw-name'],
      ]) {
        const run = await admin(args);
        expect(run.code).toBe(0);
        expect(raw(run.stdout)).toBe(false);
        expect(run.stdout).toContain(
          'Evil\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u202eHelper\\u200b',
        );
      }
      const json = await admin(['clients', 'list', '--json']);
      expect(raw(json.stdout)).toBe(false);
      const listed = JSON.parse(json.stdout) as { clientId: string; name: string }[];
      expect(listed.find((c) => c.clientId === 'raw-name')?.name).toBe(name);
    });

    it('refuses to remove a client configured in code, and an unknown one', async () => {
      expect(await admin(['clients', 'remove', 'interactive'])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'admin: "interactive" is configured in code and cannot be removed\n',
      });
      expect((await admin(['clients', 'remove', 'nobody'])).stderr).toBe(
        'admin: no registered or used client "nobody"\n',
      );
    });
  });
});

/**
 * An API may have its tokens live longer than ACCESS_TOKEN_TTL (APIS_FILE `tokenTtlSeconds`):
 * the grants the CLI revokes stay on the list until such a token has expired.
 */
describe('npm run admin with an API whose tokens outlive ACCESS_TOKEN_TTL', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startDayLongTokenSystem();
  });
  afterAll(() => sys?.close());

  it('sessions revoke keeps the grant listed until its day-long API token has expired', async () => {
    const { tokens, exp, gid } = await dayLongTokens(sys);

    expect((await runAdmin(sys, ['sessions', 'revoke', '--user', 'alice'])).code).toBe(0);
    expect((await refusedWithin(1000, () => getWeather(sys, tokens.access_token))).status).toBe(
      401,
    );
    await expectListedPast(sys, gid, exp);
  });
});

/**
 * `npm run admin -- <args>` in its own process, on the store and settings of `sys`. The line
 * naming the store is taken off stderr only when it names the store of `sys`; any other store
 * leaves it there, where the assertions on stderr see it.
 */
function runAdmin(sys: TestSystem, args: string[], stdin = ''): Promise<Run> {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: { ...process.env, ...sys.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const storeLine = `admin: using SQLite ${sys.env.SQLITE_PATH}\n`;
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr: stderr.startsWith(storeLine) ? stderr.slice(storeLine.length) : stderr,
      }),
    ),
  );
}

/** Asks again until the answer is 401 or `ms` have passed; the last answer either way. */
async function refusedWithin(ms: number, ask: () => Promise<Response>): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await ask();
    if (response.status === 401 || Date.now() >= deadline) return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
