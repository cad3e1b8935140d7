import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { codeFlow, tokenRequest } from './support/flows';
import { trickledTokenRequest } from './support/in-flight';
import { basicAuth } from './support/pkce';
import { onFreePorts } from './support/ports';
import { createTestDatabase, TestDatabase } from './support/postgres';
import { ServerProcess, startServerProcess } from './support/server-process';
import { until } from './support/until';

const M2M = basicAuth('m2m.client', '511536EF-F270-4058-80CA-1C89C192F69A');

/**
 * Stopping as a process supervisor or load balancer sees it: the built server in its own OS
 * process, real signals, real sockets.
 */
describe('graceful shutdown', () => {
  const dirs: string[] = [];
  const running: ServerProcess[] = [];

  afterEach(async () => {
    for (const server of running.splice(0)) {
      server.signal('SIGKILL');
      await server.exited();
    }
  });
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function authServer(env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'api-mcp-auth-shutdown-'));
    dirs.push(dir);
    return onFreePorts(2, async ([port, spaPort]) => {
      const issuer = `http://localhost:${port}`;
      const fullEnv = {
        ROLES: 'auth',
        ISSUER_URL: issuer,
        SPA_URL: `http://localhost:${spaPort}`,
        SQLITE_PATH: join(dir, 'auth.sqlite'),
        ...env,
      };
      const server = await startServerProcess(fullEnv, issuer);
      running.push(server);
      return { server, issuer, env: fullEnv };
    });
  }

  const alive = (server: ServerProcess) => server.child.exitCode === null;
  // The signal has been handled once the port stops accepting: a poll, not a guess.
  const refusesConnections = (issuer: string) =>
    until('the port to refuse new connections', () =>
      fetch(`${issuer}/health`).then(
        () => undefined,
        () => true,
      ),
    );

  it('answers a request in flight at SIGTERM, refuses new connections, then exits 0', async () => {
    const { server, issuer } = await authServer();
    const inFlight = trickledTokenRequest(issuer, M2M);
    await delay(300);

    server.signal('SIGTERM');
    await refusesConnections(issuer);
    expect(alive(server)).toBe(true);

    inFlight.finish();
    const answered = await inFlight.response;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toHaveProperty('access_token');
    expect(await server.exited()).toBe(0);
  });

  it('says 503 on /health for the drain delay while still serving, so a balancer stops sending', async () => {
    const { server, issuer } = await authServer({ SHUTDOWN_DRAIN_SECONDS: '2' });
    const started = Date.now();
    server.signal('SIGTERM');
    const health = await until('/health to say draining', async () => {
      const answer = await fetch(`${issuer}/health`);
      return answer.status === 503 ? answer : undefined;
    });
    expect(await health.json()).toMatchObject({ status: 'draining', role: 'auth' });
    const token = await tokenRequest(
      { urls: { issuer } },
      {
        grant_type: 'client_credentials',
        scope: 'api',
      },
      M2M,
    );
    expect(token.status).toBe(200);
    expect(await server.exited()).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('under load, with clients that stop when /health says 503, no accepted request fails', async () => {
    const { server, issuer } = await authServer({ SHUTDOWN_DRAIN_SECONDS: '1' });
    let draining = false;
    const statuses: number[] = [];
    const failures: unknown[] = [];
    const worker = async () => {
      while (!draining) {
        await tokenRequest(
          { urls: { issuer } },
          { grant_type: 'client_credentials', scope: 'api' },
          M2M,
        )
          .then((r) => statuses.push(r.status))
          .catch((error: unknown) => failures.push(error));
      }
    };
    const poller = async () => {
      while (!draining) {
        const status = await fetch(`${issuer}/health`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) draining = true;
        else await delay(50);
      }
    };
    const load = Promise.all([poller(), ...Array.from({ length: 8 }, worker)]);
    await delay(500);
    server.signal('SIGTERM');
    await load;

    expect({ failures: failures.map(String), statuses: [...new Set(statuses)] }).toEqual({
      failures: [],
      statuses: [200],
    });
    expect(statuses.length).toBeGreaterThan(20);
    expect(await server.exited()).toBe(0);
  });

  it('exits at once on a second signal, without waiting for requests in flight', async () => {
    const { server, issuer } = await authServer();
    const inFlight = trickledTokenRequest(issuer, M2M);
    inFlight.response.catch(() => undefined);
    await delay(300);
    server.signal('SIGTERM');
    await refusesConnections(issuer);
    expect(alive(server)).toBe(true);
    const before = Date.now();
    server.signal('SIGTERM');
    expect(await server.exited()).toBe(1);
    expect(Date.now() - before).toBeLessThan(1000);
  });

  it('gives up after SHUTDOWN_TIMEOUT_SECONDS and exits 1 when a request never finishes', async () => {
    const { server, issuer } = await authServer({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const inFlight = trickledTokenRequest(issuer, M2M);
    inFlight.response.catch(() => undefined);
    await delay(300);
    const before = Date.now();
    server.signal('SIGTERM');
    expect(await server.exited()).toBe(1);
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    expect(server.output()).toContain('shutdown failed');
  });
});

/**
 * A crash (SIGKILL) in the middle of refresh-token rotation loses no refresh token that a client
 * was handed: each chain's newest token still works after a restart, on both engines.
 */
describe.each(['sqlite', 'postgres'] as const)('SIGKILL during refresh rotation (%s)', (engine) => {
  let db: TestDatabase | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-mcp-auth-kill-'));
    if (engine === 'postgres') db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every chain’s newest refresh token works after restart', async () => {
    if (engine === 'postgres' && !db) {
      process.stderr.write('SKIPPED: SIGKILL during refresh rotation (postgres): no PostgreSQL\n');
      return expect(process.env.CI).toBeFalsy();
    }
    const storage: Record<string, string> = db
      ? { DATABASE_URL: db.url }
      : { SQLITE_PATH: join(dir, 'auth.sqlite') };
    const started = await onFreePorts(2, async ([port, spaPort]) => {
      const env = {
        ROLES: 'auth',
        ISSUER_URL: `http://localhost:${port}`,
        SPA_URL: `http://localhost:${spaPort}`,
        ...storage,
      };
      return { env, server: await startServerProcess(env, env.ISSUER_URL) };
    });
    const { env } = started;
    let { server } = started;
    const urls = { issuer: env.ISSUER_URL, spa: env.SPA_URL, api: 'http://localhost:5000' };
    try {
      const chains = await Promise.all(
        Array.from({ length: 3 }, async () => {
          const tokens = await codeFlow(
            { urls },
            { resources: [], scope: 'openid offline_access' },
          );
          return { latest: tokens.refresh_token!, rotations: 0 };
        }),
      );

      let killed = false;
      const rotate = async (chain: (typeof chains)[number]) => {
        while (!killed) {
          const response = await tokenRequest(
            { urls },
            {
              grant_type: 'refresh_token',
              refresh_token: chain.latest,
              client_id: 'interactive',
            },
          ).catch(() => undefined);
          if (response?.status !== 200) continue;
          const body = (await response.json().catch(() => undefined)) as
            { refresh_token?: string } | undefined;
          if (body?.refresh_token) {
            chain.latest = body.refresh_token;
            chain.rotations += 1;
          }
        }
      };
      const loops = Promise.all(chains.map(rotate));
      await delay(800);
      server.signal('SIGKILL');
      await server.exited();
      killed = true;
      await loops;
      expect(chains.every((chain) => chain.rotations > 0)).toBe(true);

      server = await startServerProcess(env, urls.issuer);
      for (const chain of chains) {
        const response = await tokenRequest(
          { urls },
          {
            grant_type: 'refresh_token',
            refresh_token: chain.latest,
            client_id: 'interactive',
          },
        );
        expect({ status: response.status, body: await response.text() }).toMatchObject({
          status: 200,
        });
      }
    } finally {
      server.signal('SIGKILL');
      await server.exited();
    }
  });
});
