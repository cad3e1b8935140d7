import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePorts } from './support/ports';
import { basicAuth } from './support/pkce';
import { localUrls, urlsEnv } from './support/role-urls';
import { showingOutput, startServerProcess, type ServerProcess } from './support/server-process';
import { until } from './support/until';

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

const NO_USERS = JSON.stringify({ users: [] });

interface Ready {
  readonly status: number;
  readonly body: string;
}

describe('WORKERS=2: the HTTP roles on a node:cluster', () => {
  let server: ServerProcess | undefined;
  let dir: string;
  let usersFile: string;
  const urls = { issuer: '', api: '', mcp: '', spa: '' };
  const readyEverywhere = () =>
    Promise.all(
      Object.values(urls).map((u) =>
        // A connection the primary handed to a worker as it was killed is never answered: each
        // probe has its own deadline, so a lost one counts as a failed poll.
        fetch(`${u}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
          async (r): Promise<Ready> => ({ status: r.status, body: await r.text() }),
          (error: unknown): Ready => ({ status: 0, body: String(error) }),
        ),
      ),
    );
  const allWorkersServing = async () =>
    childrenOf(server!.child.pid!).length === 2 &&
    (await readyEverywhere()).every((r) => r.status === 200)
      ? true
      : undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'workers-'));
    usersFile = join(dir, 'users.json');
    writeFileSync(usersFile, NO_USERS);
    await onFreePorts(4, async (ports) => {
      Object.assign(urls, localUrls(ports));
      server = await startServerProcess(
        {
          WORKERS: '2',
          ...urlsEnv(urls),
          SQLITE_PATH: join(dir, 'auth.sqlite'),
          USERS_FILE: usersFile,
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

  it(
    'serves every role from two workers, each ready only once both serve',
    () =>
      showingOutput(server!, async () => {
        // /health answered once one worker listened; /ready waits for the second.
        await until('two workers, ready on every port', allWorkersServing, { timeoutMs: 60_000 });

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
      }),
    120_000,
  );

  it(
    'a worker that cannot start is logged with its reason, named by /ready, and replaced',
    () =>
      showingOutput(server!, async () => {
        await until('two workers, ready on every port', allWorkersServing, { timeoutMs: 60_000 });
        const [victim] = childrenOf(server!.child.pid!);
        // An operator's bad edit: the users file every starting AuthServer reads is broken, so
        // the worker that replaces the victim cannot start, while the other keeps serving.
        writeFileSync(usersFile, '{ not json');
        try {
          process.kill(victim!, 'SIGKILL');
          const answers = await until(
            '/ready naming the missing worker on every port',
            async () => {
              const ready = await readyEverywhere();
              return ready.every((r) => r.status === 503) ? ready : undefined;
            },
            { timeoutMs: 10_000 },
          );
          for (const answer of answers) expect(answer.body).toMatch(/worker \d of 2 is /);
          await until(
            'the primary logging why the replacement could not start',
            () => (/not valid JSON.*"msg":"worker died"/.test(server!.output()) ? true : undefined),
            { timeoutMs: 30_000 },
          );
        } finally {
          writeFileSync(usersFile, NO_USERS);
        }
        expect(server!.output()).toMatch(/"level":50,.*"signal":"SIGKILL".*"msg":"worker died"/);
        await until('the replaced worker serving', allWorkersServing, { timeoutMs: 60_000 });
        expect(childrenOf(server!.child.pid!)).not.toContain(victim);
      }),
    120_000,
  );

  it(
    'SIGTERM stops every worker and the primary exits 0',
    () =>
      showingOutput(server!, async () => {
        const workers = childrenOf(server!.child.pid!);
        expect(workers).toHaveLength(2);
        server!.signal('SIGTERM');
        expect(await server!.exited()).toBe(0);
        expect(workers.filter((pid) => existsAsProcess(pid))).toEqual([]);
      }),
    60_000,
  );
});

function existsAsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
