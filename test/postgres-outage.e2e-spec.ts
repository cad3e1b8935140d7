import { codeFlow, mcpClientFlow, type TokenResponse } from './support/flows';
import { mcpInitialize, toolCall } from './support/mcp';
import {
  bearer,
  hardFailure,
  mcpPost,
  onOwnCluster,
  send,
  underLoad,
  type Answer,
} from './support/outage';
import type { PgCluster } from './support/pg-cluster';
import { showingOutput, startServerProcess, type ServerProcess } from './support/server-process';
import { until } from './support/until';

/** How long the database is away: longer than the pool's and the checks' own timeouts. */
const OUTAGE_MS = Number(process.env.OUTAGE_SECONDS ?? 20) * 1000;
/** After the database is back, everything works again within this. */
const RECOVERY_MS = 5_000;

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
    cluster = await onOwnCluster(urls, async (env) => {
      server = await startServerProcess(env, urls.issuer);
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

  const mcpCall = (token: string, body: unknown) =>
    send('MCP tools/call', `${urls.mcp}/mcp`, mcpPost(token, body));
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
      const round = (): Promise<Answer[]> =>
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
      const answers = await underLoad(OUTAGE_MS, async () => {
        const answered = await round();
        expect(server.child.exitCode).toBeNull();
        return answered;
      });
      pg.start();
      const back = Date.now();

      // A /ready that says the store is away needs no Retry-After; nothing may be refused.
      const wrong = answers.filter(
        (a) =>
          (hardFailure(a) && !(a.status === 503 && a.probe.endsWith('/ready'))) ||
          (a.status >= 400 && a.status < 500),
      );
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
