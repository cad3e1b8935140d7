import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePorts } from './support/ports';
import { basicAuth } from './support/pkce';
import { startServerProcess, type ServerProcess } from './support/server-process';

/** Pids of the live processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
      const state = /^State:\s+(\S)/m.exec(status)?.[1];
      if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

describe('WORKERS=2: the HTTP roles on a node:cluster', () => {
  let server: ServerProcess | undefined;
  let dir: string;
  const urls = { issuer: '', api: '', mcp: '', spa: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'workers-'));
    await onFreePorts(4, async ([auth, api, mcp, spa]) => {
      Object.assign(urls, {
        issuer: `http://localhost:${auth}`,
        api: `http://localhost:${api}`,
        mcp: `http://localhost:${mcp}`,
        spa: `http://localhost:${spa}`,
      });
      server = await startServerProcess(
        {
          WORKERS: '2',
          ISSUER_URL: urls.issuer,
          API_BASE_URL: urls.api,
          MCP_BASE_URL: urls.mcp,
          SPA_URL: urls.spa,
          SQLITE_PATH: join(dir, 'auth.sqlite'),
        },
        urls.api,
      );
    });
  }, 90_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.signal('SIGKILL');
      await server.exited();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves every role from two workers, and SIGTERM stops them all', async () => {
    const primary = server!.child.pid!;
    // The health check passed once one worker listened; wait for the second.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const ready = await Promise.all(
        Object.values(urls).map((u) =>
          fetch(`${u}/health`).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      );
      if (childrenOf(primary).length === 2 && ready.every(Boolean)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const workers = childrenOf(primary);
    expect(workers).toHaveLength(2);

    // A token issued by whichever worker answers is accepted by whichever worker answers.
    for (let i = 0; i < 6; i += 1) {
      const issued = await fetch(`${urls.issuer}/connect/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth('m2m.client', '511536EF-F270-4058-80CA-1C89C192F69A'),
        },
        body: 'grant_type=client_credentials&scope=api',
      });
      expect(issued.status).toBe(200);
      const { access_token: token } = (await issued.json()) as { access_token: string };
      const summaries = await fetch(`${urls.api}/WeatherForecast/summaries`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(summaries.status).toBe(200);
    }

    server!.signal('SIGTERM');
    expect(await server!.exited()).toBe(0);
    expect(workers.filter((pid) => existsAsProcess(pid))).toEqual([]);
  }, 120_000);
});

function existsAsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
