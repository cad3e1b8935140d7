import { codeFlow, mcpClientFlow } from './support/flows';
import { toolCall } from './support/mcp';
import { createPgCluster, type PgCluster } from './support/pg-cluster';
import { freePorts, onFreePorts } from './support/ports';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { until } from './support/until';

/** How long a role is away; longer than the MCP server's and the API's own timeouts. */
const OUTAGE_MS = 6_000;
/** No answer may take longer than this: the client gives up here. */
const DEADLINE_MS = 5_000;
/** After the role is back, everything works again within this. */
const RECOVERY_MS = 5_000;

interface Answer {
  readonly probe: string;
  readonly status: number;
  readonly retryAfter: string | null;
  /** For a tools/call answered 200: whether the tool result was an error. */
  readonly toolError?: boolean;
}

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
      env = {
        DATABASE_URL: database,
        ISSUER_URL: urls.issuer,
        API_BASE_URL: urls.api,
        MCP_BASE_URL: urls.mcp,
        SPA_URL: urls.spa,
        LOG_LEVEL: 'error',
      };
      // The AuthServer first: it creates the schema and the signing key the others rely on.
      await start('auth');
      await Promise.all([start('api'), start('mcp')]);
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...roles.keys()].map(stop));
    cluster?.destroy();
  }, 60_000);

  async function send(probe: string, url: string, init: RequestInit = {}): Promise<Answer> {
    try {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(DEADLINE_MS),
      });
      const body = await response.text();
      const toolError =
        probe === 'tools/call' && response.status === 200
          ? (JSON.parse(body) as { result?: { isError?: boolean } }).result?.isError === true
          : undefined;
      return {
        probe,
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        ...(toolError === undefined ? {} : { toolError }),
      };
    } catch {
      // A timeout or a refused connection: status 0, which no expectation accepts.
      return { probe, status: 0, retryAfter: null };
    }
  }

  const weather = (token: string) =>
    send('API', `${urls.api}/WeatherForecast`, { headers: { authorization: `Bearer ${token}` } });
  const tool = (token: string) =>
    send('tools/call', `${urls.mcp}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify(toolCall('get-weather-forecast')),
    });
  const twin = (token: string) =>
    send('REST twin', `${urls.mcp}/api/sample`, { headers: { authorization: `Bearer ${token}` } });

  /** Runs `round` every 250 ms for OUTAGE_MS, collecting its answers. */
  async function underLoad(round: () => Promise<Answer[]>): Promise<Answer[]> {
    const answers: Answer[] = [];
    const end = Date.now() + OUTAGE_MS;
    while (Date.now() < end) {
      answers.push(...(await round()));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const summary = [
      ...new Set(
        answers.map(
          (a) =>
            `${a.probe}: ${a.status}${a.toolError === undefined ? '' : ` isError=${a.toolError}`}` +
            `${a.retryAfter ? ` (Retry-After ${a.retryAfter})` : ''}`,
        ),
      ),
    ];
    process.stderr.write(`answers during the outage:\n  ${summary.join('\n  ')}\n`);
    return answers;
  }

  /** Hangs, 5xx other than 503, 503 without Retry-After. */
  const wrong = (answers: Answer[]) =>
    answers
      .filter(
        (a) =>
          a.status === 0 ||
          (a.status >= 500 && a.status !== 503) ||
          (a.status === 503 && !a.retryAfter),
      )
      .map((a) => `${a.probe}: ${a.status}`);

  it('the API: tool calls answer isError, the REST twin 503, both recover', async () => {
    if (!cluster) return;
    const mcp = (await mcpClientFlow(sys, 'openid weatherget')).access_token;
    expect((await tool(mcp)).toolError).toBe(false);

    await stop('api');
    const answers = await underLoad(() => Promise.all([tool(mcp), twin(mcp)]));
    expect(wrong(answers)).toEqual([]);
    expect(answers.filter((a) => a.probe === 'tools/call').every((a) => a.toolError)).toBe(true);
    expect(answers.filter((a) => a.probe === 'REST twin').every((a) => a.status === 503)).toBe(
      true,
    );
    expect(roles.get('mcp')!.child.exitCode).toBeNull();

    await start('api');
    await until(
      'the tool working again',
      async () => ((await tool(mcp)).toolError === false ? true : undefined),
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
    const answers = await underLoad(() => Promise.all([weather(user), tool(mcp), twin(mcp)]));
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
      async () => ((await tool(freshMcp)).toolError === false ? true : undefined),
      { timeoutMs: RECOVERY_MS, intervalMs: 250 },
    );
    expect(Date.now() - back).toBeLessThan(RECOVERY_MS + 10_000);
  }, 120_000);
});
