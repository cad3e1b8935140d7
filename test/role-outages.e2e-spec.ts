import { codeFlow, mcpClientFlow } from './support/flows';
import { toolCall } from './support/mcp';
import {
  bearer,
  hardFailure,
  mcpPost,
  onOwnCluster,
  send,
  toolError,
  underLoad,
  type Answer,
} from './support/outage';
import type { PgCluster } from './support/pg-cluster';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { until } from './support/until';

/** How long a role is away; longer than the MCP server's and the API's own timeouts. */
const OUTAGE_MS = 6_000;
/** After the role is back, everything works again within this. */
const RECOVERY_MS = 5_000;

/**
 * One role goes away under light load and comes back, each role its own OS process (ROLES=...)
 * on a PostgreSQL cluster of the test's own: what depends on the missing role answers a tool
 * error or 503 with Retry-After, never another 5xx, never hangs; once the role is back on the
 * same port, the others use it again without a restart.
 */
describe('a role going away and coming back', () => {
  let cluster: PgCluster | undefined;
  const roles = new Map<string, ServerProcess>();
  const urls = { issuer: '', api: '', mcp: '', spa: '' };
  const sys = { urls };
  let env: Record<string, string> = {};

  async function start(role: 'auth' | 'api' | 'mcp'): Promise<void> {
    const url = { auth: urls.issuer, api: urls.api, mcp: urls.mcp }[role];
    roles.set(role, await startServerProcess({ ...env, ROLES: role }, url));
  }

  async function stop(role: string): Promise<void> {
    const server = roles.get(role);
    if (!server || server.child.exitCode !== null) return;
    server.signal('SIGTERM');
    await server.exited();
  }

  beforeAll(async () => {
    cluster = await onOwnCluster(urls, async (clusterEnv) => {
      env = clusterEnv;
      // The AuthServer first: it creates the schema and the signing key the others rely on.
      await start('auth');
      await Promise.all([start('api'), start('mcp')]);
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...roles.keys()].map(stop));
    cluster?.destroy();
  }, 60_000);

  const weather = (token: string) => send('API', `${urls.api}/WeatherForecast`, bearer(token));
  const tool = (token: string) =>
    send('tools/call', `${urls.mcp}/mcp`, mcpPost(token, toolCall('get-weather-forecast')));
  const twin = (token: string) => send('REST twin', `${urls.mcp}/api/sample`, bearer(token));

  /** Runs `round` for OUTAGE_MS, a tool call's answer shown with its isError. */
  const outage = (round: () => Promise<Answer[]>) =>
    underLoad(OUTAGE_MS, round, (a) =>
      a.probe === 'tools/call' && toolError(a) !== undefined ? ` isError=${toolError(a)}` : '',
    );

  /** Hangs, 5xx other than 503, 503 without Retry-After. */
  const wrong = (answers: Answer[]) =>
    answers.filter(hardFailure).map((a) => `${a.probe}: ${a.status}`);

  it('the API: tool calls answer isError, the REST twin 503, both recover', async () => {
    if (!cluster) return;
    const mcp = (await mcpClientFlow(sys, 'openid weatherget')).access_token;
    // The MCP server reads the API's OpenAPI document once the API answers: steady state first.
    await until(
      'the tool working before the outage',
      async () => (toolError(await tool(mcp)) === false ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    await stop('api');
    const answers = await outage(() => Promise.all([tool(mcp), twin(mcp)]));
    expect(wrong(answers)).toEqual([]);
    expect(answers.filter((a) => a.probe === 'tools/call').every((a) => toolError(a))).toBe(true);
    expect(answers.filter((a) => a.probe === 'REST twin').every((a) => a.status === 503)).toBe(
      true,
    );
    expect(roles.get('mcp')!.child.exitCode).toBeNull();

    await start('api');
    await until(
      'the tool working again',
      async () => (toolError(await tool(mcp)) === false ? true : undefined),
      { timeoutMs: RECOVERY_MS, intervalMs: 250 },
    );
    expect((await twin(mcp)).status).toBe(200);
  }, 120_000);

  it('the AuthServer: the API verifies known tokens, MCP fails softly, both recover', async () => {
    if (!cluster) return;
    const user = (await codeFlow(sys, { scope: 'openid weatherget' })).access_token;
    const mcp = (await mcpClientFlow(sys, 'openid weatherget')).access_token;
    expect((await weather(user)).status).toBe(200);

    await stop('auth');
    const answers = await outage(() => Promise.all([weather(user), tool(mcp), twin(mcp)]));
    expect(wrong(answers)).toEqual([]);
    // The API holds the issuer's keys already and reads revocations from the store.
    expect(answers.filter((a) => a.probe === 'API').every((a) => a.status === 200)).toBe(true);
    // A tool call either still has its exchanged token or says the exchange failed.
    expect(answers.filter((a) => a.probe === 'tools/call').every((a) => a.status === 200)).toBe(
      true,
    );
    expect(roles.get('api')!.child.exitCode).toBeNull();
    expect(roles.get('mcp')!.child.exitCode).toBeNull();

    await start('auth');
    const back = Date.now();
    const fresh = (await codeFlow(sys, { scope: 'openid weatherget' })).access_token;
    expect((await weather(fresh)).status).toBe(200);
    const freshMcp = (await mcpClientFlow(sys, 'openid weatherget')).access_token;
    await until(
      'a new MCP token working',
      async () => (toolError(await tool(freshMcp)) === false ? true : undefined),
      { timeoutMs: RECOVERY_MS, intervalMs: 250 },
    );
    expect(Date.now() - back).toBeLessThan(RECOVERY_MS + 10_000);
  }, 120_000);
});
