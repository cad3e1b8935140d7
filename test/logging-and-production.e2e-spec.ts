import { Client } from 'pg';
import { captureLogs } from './support/captured-logs';
import { codeFlow, openLoginPage, tokenRequest } from './support/flows';
import { createTestDatabase, POSTGRES_ADMIN_URL, TestDatabase } from './support/postgres';
import { describeWithPostgres } from './support/postgres-available';
import { PRODUCTION_ENV } from './support/production-env';
import { startTestSystem, TestSystem } from './support/system';
import { until } from './support/until';

describe('logs', () => {
  let sys: TestSystem;
  const logs = captureLogs('debug');

  beforeAll(async () => {
    sys = await startTestSystem({
      env: { ROLES: 'auth,api' },
      logger: logs.logger,
    });
  });
  afterAll(() => sys?.close());

  it('are structured JSON and carry no token, code, password or cookie', async () => {
    const tokens = await codeFlow(sys);
    await fetch(`${sys.urls.api}/WeatherForecast`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    await fetch(`${sys.urls.api}/WeatherForecast?access_token=${tokens.access_token}`);
    await tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: 'interactive',
    });

    const logged = logs.text();
    const lines = logged.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(logged).toContain('"url":"/WeatherForecast"');
    for (const secret of [
      tokens.access_token,
      tokens.refresh_token!,
      tokens.id_token!,
      'password=alice',
    ]) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).not.toMatch(/code=[\w-]{20,}/);
    expect(logged).not.toMatch(/_session=|_interaction=/);
  });
});

describe('logs of a process that runs every role', () => {
  let sys: TestSystem;
  const logs = captureLogs('debug');
  const lines = () =>
    logs
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  // Written through Nest's process-wide Logger: mcp-nest's McpStrategy and our OpenAPI tools,
  // which load the APIs' documents once every role is up.
  const fromMcpLibraries = () =>
    lines().filter((line) => ['McpStrategy', 'OpenApiTools'].includes(String(line.context)));

  beforeAll(async () => {
    sys = await startTestSystem({ logger: logs.logger });
  });
  afterAll(() => sys?.close());

  it("carry the role of the application that wrote them, the MCP libraries' lines too", async () => {
    await until('the MCP tools to be built from the API document', () =>
      fromMcpLibraries().some((line) => line.context === 'OpenApiTools') ? true : undefined,
    );
    const written = fromMcpLibraries().map((line) => [line.context, line.role]);
    expect(written).toEqual(written.map(([context]) => [context, 'mcp']));
  });
});

describeWithPostgres('logs of a process whose PostgreSQL runs without vacuum', () => {
  let db: TestDatabase;
  let sys: TestSystem | undefined;
  const logs = captureLogs('info');

  beforeAll(async () => {
    db = (await createTestDatabase())!;
    // Autovacuum needs the statistics track_counts collects; a database may turn them off for
    // its own sessions, which is what this server sees without changing the machine's server.
    const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${new URL(db.url).pathname.slice(1)} SET track_counts = off`);
    await admin.end();
    sys = await startTestSystem({
      env: { ROLES: 'auth', DATABASE_URL: db.url },
      logger: logs.logger,
    });
  });
  afterAll(async () => {
    await sys?.close();
    await db?.drop();
  });

  it('warn at start that the store will slow down', async () => {
    const vacuumWarnings = () =>
      logs
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((line) => line.level === 40 && line.msg.includes('track_counts = off'));
    const warnings = await until('the vacuum warning', () =>
      vacuumWarnings().length > 0 ? vacuumWarnings() : undefined,
    );
    // The machine's own server may run without autovacuum as well: then both are named.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(
      /^PostgreSQL runs with (autovacuum = off, )?track_counts = off, so autovacuum never runs: dead row versions pile up and sign-ins, refreshes and revocations slow down over hours$/,
    );
  });
});

describe('production mode', () => {
  const secrets = PRODUCTION_ENV;

  it('refuses to start with development secrets and says which', async () => {
    const refused = await startTestSystem({
      env: { ROLES: 'auth', NODE_ENV: 'production', HOST: '127.0.0.1' },
    }).then(
      () => new Error('started'),
      (error: unknown) => error as Error,
    );
    // Every problem at once, in whatever order the sections are checked.
    for (const name of [
      'MCPCLIENT_SECRET',
      'M2M_CLIENT_SECRET',
      'MCP_SERVER_CLIENT_SECRET',
      'COOKIE_KEYS',
    ]) {
      expect(refused.message).toContain(name);
    }
  });

  it('loads no development users, even when asked', async () => {
    await expect(
      startTestSystem({ env: { ROLES: 'auth', ...secrets, DEV_USERS: 'true' } }),
    ).rejects.toThrow(/DEV_USERS cannot be enabled in production/);

    const sys = await startTestSystem({ env: { ROLES: 'auth', ...secrets } });
    try {
      const { browser, url, html } = await openLoginPage(sys);
      expect(html).not.toContain('Development users');
      const login = await browser.submit(
        url,
        html,
        { username: 'alice', password: 'alice', action: 'login' },
        sys.urls.spa,
      );
      expect(login.response?.status).toBe(401);
    } finally {
      await sys.close();
    }
  });
});
