import { codeFlow, mcpClientFlow, type TokenResponse } from './support/flows';
import { mcpInitialize, toolCall } from './support/mcp';
import { createPgCluster, type PgCluster } from './support/pg-cluster';
import { freePorts, onFreePorts } from './support/ports';
import { showingOutput, startServerProcess, type ServerProcess } from './support/server-process';
import { until } from './support/until';

/** How long the database is away: longer than the pool's and the checks' own timeouts. */
const OUTAGE_MS = Number(process.env.OUTAGE_SECONDS ?? 20) * 1000;
/** No answer may take longer than this, database or not: the client gives up here. */
const DEADLINE_MS = 5_000;
/** After the database is back, everything works again within this. */
const RECOVERY_MS = 5_000;

interface Answer {
  readonly probe: string;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

/**
 * The database goes away under light load and comes back: the system on a PostgreSQL cluster
 * of the test's own, which is stopped for OUTAGE_MS and started again. While it is down, what
 * needs the store answers 503 with Retry-After, /ready says why, nothing hangs or exits; once
 * it is back, everything works again without a restart and nothing written before is lost.
 */
describe('a PostgreSQL outage', () => {
  let cluster: PgCluster | undefined;
  let server: ServerProcess;
  const urls = { issuer: '', api: '', mcp: '', spa: '' };
  const sys = { urls };

  beforeAll(async () => {
    const [port] = await freePorts(1);
    cluster = createPgCluster(port!);
    if (!cluster) return;
    const database = cluster.url;
    await onFreePorts(4, async ([auth, api, mcp, spa]) => {
      Object.assign(urls, {
        issuer: `http://localhost:${auth}`,
        api: `http://localhost:${api}`,
        mcp: `http://localhost:${mcp}`,
        spa: `http://localhost:${spa}`,
      });
      server = await startServerProcess(
        {
          DATABASE_URL: database,
          ISSUER_URL: urls.issuer,
          API_BASE_URL: urls.api,
          MCP_BASE_URL: urls.mcp,
          SPA_URL: urls.spa,
          // Every failed readiness check warns; the failures this test finds are in its answers.
          LOG_LEVEL: 'error',
        },
        urls.issuer,
      );
      await until('every role healthy', async () =>
        (await Promise.all([urls.api, urls.mcp, urls.spa].map(ready))).every(Boolean)
          ? true
          : undefined,
      );
    });
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.signal('SIGTERM');
      await server.exited();
    }
    cluster?.destroy();
  }, 60_000);

  const ready = (origin: string) =>
    fetch(`${origin}/ready`).then(
      (r) => r.ok,
      () => false,
    );

  async function send(probe: string, url: string, init: RequestInit = {}): Promise<Answer> {
    try {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(DEADLINE_MS),
      });
      const body = await response.text();
      return {
        probe,
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body,
      };
    } catch (error) {
      // A timeout or a refused connection: status 0, which no expectation accepts.
      return { probe, status: 0, retryAfter: null, body: String(error) };
    }
  }

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const mcpCall = (token: string, body: unknown) =>
    send('MCP tools/call', `${urls.mcp}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify(body),
    });
  const refresh = (refreshToken: string) =>
    send('refresh', `${urls.issuer}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'interactive',
      }).toString(),
    });

  it('answers 503 with Retry-After while it is down and recovers within 5 s', async () => {
    if (!cluster) return;
    const pg = cluster;
    await showingOutput(server, async () => {
      // Written before the outage: a live grant, a revoked one, an MCP client's token.
      const kept = await codeFlow(sys, { scope: 'openid offline_access weatherget' });
      const revoked = await codeFlow(sys, { scope: 'openid offline_access weatherget' });
      const revoke = await fetch(`${urls.issuer}/connect/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: revoked.refresh_token!,
          client_id: 'interactive',
        }).toString(),
      });
      expect(revoke.status).toBe(200);
      const mcp: TokenResponse = await mcpClientFlow(sys, 'openid weatherget');
      expect(
        (await send('API', `${urls.api}/WeatherForecast`, bearer(kept.access_token))).status,
      ).toBe(200);
      expect((await mcpCall(mcp.access_token, toolCall('get-weather-forecast'))).status).toBe(200);
      await until('the revocation reaching the API', async () =>
        (await send('API', `${urls.api}/WeatherForecast`, bearer(revoked.access_token))).status ===
        401
          ? true
          : undefined,
      );

      // Light load through the outage: every role, each probe once per round.
      const answers: Answer[] = [];
      const authorize = new URL(`${urls.issuer}/connect/authorize`);
      authorize.search = new URLSearchParams({
        client_id: 'interactive',
        response_type: 'code',
        redirect_uri: `${urls.spa}/signin-oidc`,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      let refreshToken = kept.refresh_token!;
      const round = () =>
        Promise.all([
          send(
            'API with a verified token',
            `${urls.api}/WeatherForecast`,
            bearer(kept.access_token),
          ),
          mcpCall(mcp.access_token, toolCall('get-weather-forecast')),
          mcpCall(mcp.access_token, mcpInitialize()),
          refresh(refreshToken).then((answer) => {
            // A refresh the outage refused leaves the chain where it was.
            if (answer.status === 200)
              refreshToken = (JSON.parse(answer.body) as TokenResponse).refresh_token!;
            return answer;
          }),
          send('sign-in start', authorize.href),
          send('registration', `${urls.issuer}/connect/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              redirect_uris: ['http://127.0.0.1:4567/cb'],
              token_endpoint_auth_method: 'none',
            }),
          }),
          ...[urls.issuer, urls.api, urls.mcp].map((origin) =>
            send(`${origin} /ready`, `${origin}/ready`),
          ),
        ]);

      pg.stop();
      const downUntil = Date.now() + OUTAGE_MS;
      while (Date.now() < downUntil) {
        answers.push(...(await round()));
        expect(server.child.exitCode).toBeNull();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      pg.start();
      const back = Date.now();

      const wrong = answers.filter(
        (a) =>
          a.status === 0 ||
          (a.status >= 500 && a.status !== 503) ||
          (a.status === 503 && !a.retryAfter && !a.probe.endsWith('/ready')) ||
          (a.status >= 400 && a.status < 500),
      );
      const summary = [
        ...new Set(
          answers.map(
            (a) => `${a.probe}: ${a.status}${a.retryAfter ? ` (Retry-After ${a.retryAfter})` : ''}`,
          ),
        ),
      ];
      process.stderr.write(`answers during the outage:\n  ${summary.join('\n  ')}\n`);
      const readyAnswers = answers.filter((a) => a.probe.endsWith('/ready'));
      expect(wrong.map((a) => `${a.probe}: ${a.status} ${a.body.slice(0, 160)}`)).toEqual([]);
      expect(readyAnswers.every((a) => a.status === 503 && a.body.includes('"store"'))).toBe(true);
      expect(answers.filter((a) => a.probe === 'refresh').every((a) => a.status === 503)).toBe(
        true,
      );

      // Back: every role ready, the grant written before works, the revocation holds.
      await until(
        'every role ready after the database returned',
        async () =>
          (await Promise.all([urls.issuer, urls.api, urls.mcp].map(ready))).every(Boolean)
            ? true
            : undefined,
        { timeoutMs: RECOVERY_MS },
      );
      const after = await refresh(refreshToken);
      expect(after.status).toBe(200);
      expect((await refresh(revoked.refresh_token!)).status).toBe(400);
      expect(
        (await send('API', `${urls.api}/WeatherForecast`, bearer(revoked.access_token))).status,
      ).toBe(401);
      const fresh = await codeFlow(sys, { scope: 'openid weatherget' });
      expect(
        (await send('API', `${urls.api}/WeatherForecast`, bearer(fresh.access_token))).status,
      ).toBe(200);
      expect((await mcpCall(mcp.access_token, toolCall('get-weather-forecast'))).status).toBe(200);
      expect(Date.now() - back).toBeLessThan(RECOVERY_MS + 10_000);
      expect(server.child.exitCode).toBeNull();
    });
  }, 180_000);
});
