import { createPgCluster, type PgCluster } from './pg-cluster';
import { freePorts, onFreePorts } from './ports';
import { localUrls, urlsEnv } from './role-urls';
import type { TestUrls } from './system';

/** No answer may take longer than this, whatever is away: the client gives up here. */
export const DEADLINE_MS = 5_000;

/** One answer seen while something was away: what was asked and how it was answered. */
export interface Answer {
  readonly probe: string;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

/**
 * A PostgreSQL cluster of the test's own and four free ports: `urls` is filled in (the suite's
 * `sys` holds it) and `start` gets the environment of a system on that cluster. Undefined when
 * the cluster cannot be made outside CI, so the suite skips.
 */
export async function onOwnCluster(
  urls: { -readonly [K in keyof TestUrls]: string },
  start: (env: Record<string, string>) => Promise<void>,
): Promise<PgCluster | undefined> {
  const [port] = await freePorts(1);
  const cluster = createPgCluster(port!);
  if (!cluster) return undefined;
  try {
    await onFreePorts(4, async (ports) => {
      Object.assign(urls, localUrls(ports));
      // Every failed readiness check warns; the failures these tests find are in their answers.
      await start({ DATABASE_URL: cluster.url, ...urlsEnv(urls), LOG_LEVEL: 'error' });
    });
  } catch (error) {
    cluster.destroy();
    throw error;
  }
  return cluster;
}

/** Sends one request that must be answered within DEADLINE_MS; anything else is status 0. */
export async function send(probe: string, url: string, init: RequestInit = {}): Promise<Answer> {
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

export const bearer = (token: string): RequestInit => ({
  headers: { authorization: `Bearer ${token}` },
});

/** A JSON-RPC message POSTed to the MCP endpoint as a 2025-era client sends it. */
export const mcpPost = (token: string, message: unknown): RequestInit => ({
  method: 'POST',
  headers: {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-06-18',
  },
  body: JSON.stringify(message),
});

/** Whether a tools/call answered 200 carried an error result; undefined for any other answer. */
export function toolError(answer: Answer): boolean | undefined {
  if (answer.status !== 200) return undefined;
  return (JSON.parse(answer.body) as { result?: { isError?: boolean } }).result?.isError === true;
}

/**
 * Runs `round` every 250 ms for `ms`, then writes each distinct answer once to stderr (with
 * `detail` appended), so a failing run shows what the outage looked like from outside.
 */
export async function underLoad(
  ms: number,
  round: () => Promise<Answer[]>,
  detail: (answer: Answer) => string = () => '',
): Promise<Answer[]> {
  const answers: Answer[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    answers.push(...(await round()));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const summary = new Set(
    answers.map(
      (a) =>
        `${a.probe}: ${a.status}${detail(a)}` +
        `${a.retryAfter ? ` (Retry-After ${a.retryAfter})` : ''}`,
    ),
  );
  process.stderr.write(`answers during the outage:\n  ${[...summary].join('\n  ')}\n`);
  return answers;
}

/** A hang, a 5xx other than 503, or a 503 without Retry-After: what an outage must never cause. */
export const hardFailure = (a: Answer): boolean =>
  a.status === 0 || (a.status >= 500 && a.status !== 503) || (a.status === 503 && !a.retryAfter);
