import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeFlow } from './support/flows';
import { basicAuth } from './support/pkce';
import { onFreePorts } from './support/ports';
import { createTestDatabase, TestDatabase } from './support/postgres';
import { describeWithPostgres } from './support/postgres-available';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

/**
 * Distributed mode as an operator runs it: each role in its own OS process (the built
 * dist/main.js with ROLES=...), finding the others only through their URLs and sharing state
 * through PostgreSQL.
 */
describeWithPostgres('roles as separate processes on PostgreSQL', () => {
  let db: TestDatabase | undefined;
  const processes: ChildProcess[] = [];
  const urls = { issuer: '', api: '', mcp: '', spa: '' };
  /** A second API process: a replica behind the same resource identifier. */
  let apiReplica = '';

  async function startRole(role: string, env: Record<string, string>, healthUrl: string) {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...env,
        ROLES: role,
        NODE_ENV: 'development',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    processes.push(child);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${role} exited: ${stderr}`);
      const up = await fetch(`${healthUrl}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${role} did not start: ${stderr}`);
  }

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
    db = await createTestDatabase();
    if (!db) throw new Error('PostgreSQL answered the probe but not the test database set-up');
    const database = db;
    await onFreePorts(5, async ([auth, api, mcp, spa, replica]) => {
      apiReplica = `http://localhost:${replica}`;
      Object.assign(urls, {
        issuer: `http://localhost:${auth}`,
        api: `http://localhost:${api}`,
        mcp: `http://localhost:${mcp}`,
        spa: `http://localhost:${spa}`,
      });
      const env = {
        DATABASE_URL: database.url,
        ISSUER_URL: urls.issuer,
        API_BASE_URL: urls.api,
        MCP_BASE_URL: urls.mcp,
        SPA_URL: urls.spa,
      };
      try {
        // The AuthServer first: it creates the schema and the signing key the others rely on.
        await startRole('auth', env, urls.issuer);
        await Promise.all([
          startRole('api', env, urls.api),
          startRole('mcp', env, urls.mcp),
          startRole('api', { ...env, API_PORT: String(replica) }, apiReplica),
        ]);
      } catch (error) {
        await stopRoles();
        throw error;
      }
    });
  }, 120_000);

  async function stopRoles() {
    await Promise.all(
      processes.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  afterAll(async () => {
    await stopRoles();
    await db?.drop();
  });

  /** Polls until `api` refuses the token; how long after `since` that was, and the challenge. */
  async function firstRefusal(api: string, token: string, since: number) {
    for (;;) {
      const response = await fetch(`${api}/WeatherForecast`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status !== 200) {
        expect(response.status).toBe(401);
        return {
          afterMs: Date.now() - since,
          challenge: response.headers.get('www-authenticate') ?? '',
        };
      }
      await response.arrayBuffer();
      if (Date.now() - since > 5_000) throw new Error(`${api} still accepts a revoked token`);
    }
  }

  const signIn = async (resource: string) =>
    (await codeFlow({ urls }, { resources: [resource], scope: 'openid weatherget' })).access_token;

  it('serves the weather across processes, through token exchange, and honours revocation everywhere', async () => {
    const apiToken = await signIn(urls.api);
    const weather = await fetch(`${urls.api}/WeatherForecast`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(weather.status).toBe(200);

    const mcpToken = await signIn(`${urls.mcp}/mcp`);
    const sample = await fetch(`${urls.mcp}/api/sample`, {
      headers: { authorization: `Bearer ${mcpToken}` },
    });
    expect(sample.status).toBe(200);

    // Both replicas have verified (and cached) the token before it is revoked.
    for (const api of [urls.api, apiReplica]) {
      const before = await fetch(`${api}/WeatherForecast`, {
        headers: { authorization: `Bearer ${apiToken}` },
      });
      expect(before.status).toBe(200);
    }

    // Revoked at the AuthServer process, refused by every API process within 1 s.
    const revokedAt = Date.now();
    const revoke = await fetch(`${urls.issuer}/connect/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: apiToken, client_id: 'interactive' }).toString(),
    });
    expect(revoke.status).toBe(200);
    const refusals = await Promise.all(
      [urls.api, apiReplica].map((api) => firstRefusal(api, apiToken, revokedAt)),
    );
    for (const refusal of refusals) {
      expect(refusal.challenge).toContain('token revoked');
      expect(refusal.afterMs).toBeLessThan(1_000);
    }

    // m2m through the separate processes: 403 for lack of weatherget.
    const m2m = await fetch(`${urls.issuer}/connect/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth('m2m.client', '511536EF-F270-4058-80CA-1C89C192F69A'),
      },
      body: 'grant_type=client_credentials&scope=api',
    });
    const { access_token: m2mToken } = (await m2m.json()) as { access_token: string };
    const forbidden = await fetch(`${urls.api}/WeatherForecast`, {
      headers: { authorization: `Bearer ${m2mToken}` },
    });
    expect(forbidden.status).toBe(403);
  });
});
