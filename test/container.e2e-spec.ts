import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { mcpClientFlow } from './support/flows';
import { trickledTokenRequest } from './support/in-flight';
import { basicAuth } from './support/pkce';
import {
  describeWithPodman,
  podman,
  podmanOk,
  projectImage,
  removeDanglingImagesSince,
} from './support/podman';
import { onFreePorts } from './support/ports';
import { createTestDatabase, TestDatabase } from './support/postgres';
import { until } from './support/until';

const execFileAsync = promisify(execFile);
const REPO = resolve(__dirname, '..');
const BASE_IMAGE = 'docker.io/library/node:24-bookworm-slim';
const ROLES = ['auth', 'api', 'mcp', 'spa'] as const;
type Role = (typeof ROLES)[number];

/** How long things took, printed at the end: the figures CI's time budget is judged by. */
const timings: string[] = [];
async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** The image's npm alias, as README "Users in production" tells operators to hash a password. */
async function hashPassword(image: string, password: string): Promise<string> {
  const hash = await podmanOk(
    ['run', '--rm', '-i', '--network', 'none', image, 'npm', 'run', '--silent', 'hash-password'],
    { input: password },
  );
  return hash.trim();
}

/**
 * The image people run, as the README runs it: built with podman from the Dockerfile, the four
 * roles as separate production containers on PostgreSQL, configured only through the
 * environment, a secrets file and a mounted users file. Host networking: each role on a port of
 * its own, reaching the others at their public URLs.
 */
describeWithPodman('the container image, four roles on PostgreSQL', () => {
  const run = randomBytes(4).toString('hex');
  const containerOf = (role: Role) => `api-mcp-auth-e2e-${run}-${role}`;
  // A name of this run's own (or of the build CI started for it), removed at the end: a shared
  // tag moved by every run left each earlier build behind as an unnamed image (about 1.4 GB).
  let tag = `localhost/api-mcp-auth-e2e:${run}`;
  /** The images there were before the build: the clean-up leaves them alone. */
  let imagesBefore: Set<string> | undefined;
  const secrets = {
    MCPCLIENT_SECRET: randomBytes(24).toString('base64url'),
    M2M_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    MCP_SERVER_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    COOKIE_KEYS: `${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`,
  };
  const password = randomBytes(12).toString('base64url');
  const urls = { issuer: '', api: '', mcp: '', spa: '' };
  const ports = {} as Record<Role, number>;
  let dir = '';
  let image = '';
  let db: TestDatabase | undefined;

  async function removeContainers() {
    await podman(['rm', '--force', '--time', '0', ...ROLES.map(containerOf)]);
  }

  /** Waits on the image's own HEALTHCHECK (GET /ready); a container that exits fails at once. */
  async function healthy(role: Role) {
    const name = containerOf(role);
    await until(
      `${name} to be healthy`,
      async () => {
        const running = await podmanOk(['inspect', '--format', '{{.State.Running}}', name]);
        if (running.trim() !== 'true') {
          const logs = await podman(['logs', name]);
          throw new Error(`${name} exited: ${logs.stdout}${logs.stderr}`);
        }
        return (await podman(['healthcheck', 'run', name])).code === 0 || undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
  }

  async function startRole(role: Role, envFile: string, extra: readonly string[] = []) {
    await podmanOk([
      'run',
      '--detach',
      '--name',
      containerOf(role),
      '--network',
      'host',
      '--env-file',
      envFile,
      '--env',
      `ROLES=${role}`,
      '--env',
      `HEALTH_PORT=${ports[role]}`,
      ...extra,
      image,
    ]);
    await healthy(role);
  }

  /** This run's image and the untagged layers its build left; whatever the tests' outcome. */
  async function removeImages() {
    if (!imagesBefore) return;
    const problems: string[] = [];
    try {
      const untagged = await podman(['rmi', '--ignore', tag], { timeoutMs: 5 * 60_000 });
      if (untagged.code !== 0) problems.push(untagged.stderr.trim());
      problems.push(...(await removeDanglingImagesSince(imagesBefore)));
    } catch (error) {
      problems.push(String(error));
    }
    if (problems.length > 0)
      process.stderr.write(`container suite: images left behind:\n  ${problems.join('\n  ')}\n`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-mcp-auth-container-'));
    if ((await podman(['image', 'exists', BASE_IMAGE])).code !== 0) {
      await timed('base image (.ci/container-base.sh)', () =>
        execFileAsync('bash', [join(REPO, '.ci', 'container-base.sh')], {
          timeout: 15 * 60_000,
        }),
      );
    }
    const built = await timed('project image, built or awaited', () => projectImage(dir, tag));
    timings.push(`podman build itself: ${built.buildSeconds.toFixed(1)} s`);
    ({ id: image, tag } = built);
    imagesBefore = new Set(built.imagesBefore);

    db = await createTestDatabase();
    if (!db) throw new Error('PostgreSQL is needed for the containers: none answered');
    const usersFile = join(dir, 'users.json');
    const passwordHash = await hashPassword(image, password);
    const users = {
      users: [{ username: 'carol', passwordHash, claims: { sub: 'c-123', name: 'Carol Jones' } }],
    };
    // Read by the image's unprivileged `node` user, inside a directory only root can open.
    writeFileSync(usersFile, JSON.stringify(users), { mode: 0o644 });
    const database = db;

    await timed('four containers healthy', () =>
      onFreePorts(4, async ([auth, api, mcp, spa]) => {
        Object.assign(ports, { auth, api, mcp, spa });
        Object.assign(urls, {
          issuer: `http://localhost:${auth}`,
          api: `http://localhost:${api}`,
          mcp: `http://localhost:${mcp}`,
          spa: `http://localhost:${spa}`,
        });
        // compose.env's shape: the secrets and the database, one file the operator keeps.
        const envFile = join(dir, 'container.env');
        const env = {
          ...secrets,
          DATABASE_URL: database.url,
          USERS_FILE: '/etc/api-mcp-auth/users.json',
          ISSUER_URL: urls.issuer,
          API_BASE_URL: urls.api,
          MCP_BASE_URL: urls.mcp,
          SPA_URL: urls.spa,
          // Host networking: listen on loopback, not on the machine's other interfaces.
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
        };
        const lines = Object.entries(env).map(([key, value]) => `${key}=${value}`);
        writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
        try {
          // The AuthServer first: it creates the schema and the signing key the others read.
          await startRole('auth', envFile, [
            '--volume',
            `${usersFile}:/etc/api-mcp-auth/users.json:ro`,
          ]);
          await Promise.all(
            (['api', 'mcp', 'spa'] as const).map((role) => startRole(role, envFile)),
          );
        } catch (error) {
          await removeContainers();
          throw error;
        }
      }),
    );
  }, 30 * 60_000);

  afterAll(async () => {
    try {
      await removeContainers();
    } finally {
      await timed('clean-up (podman rmi)', removeImages);
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.stderr.write(`container suite timings:\n  ${timings.join('\n  ')}\n`);
    }
  }, 15 * 60_000);

  it("matches the README's Containers section, which shows these commands to operators", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('\n### Containers\n'),
      readme.indexOf('\n## Tests\n'),
    );
    for (const command of [
      'podman build --format docker --network host',
      'podman run --rm -i --network none api-mcp-auth npm run --silent hash-password',
      'podman run -d --name auth --network host --env-file container.env -e ROLES=auth -e HEALTH_PORT=5001',
      '-v "$PWD/users.json:/etc/api-mcp-auth/users.json:ro"',
      'podman healthcheck run auth',
      'podman stop -t 10 auth',
    ])
      expect(section).toContain(command);
  });

  it('builds an image that carries its HEALTHCHECK and runs as the unprivileged node user', async () => {
    const config = await podmanOk([
      'image',
      'inspect',
      '--format',
      '{{json .HealthCheck}} {{.User}}',
      image,
    ]);
    expect(config).toContain('/ready');
    expect(config.trim().endsWith(' node')).toBe(true);
  });

  it('serves the SPA and signs a file user in for an MCP tool that reads the weather', async () => {
    const spa = await fetch(urls.spa);
    expect(spa.status).toBe(200);
    expect(await spa.text()).toContain('<div id="root">');

    const tokens = await mcpClientFlow({ urls }, 'openid profile weatherget', {
      clientSecret: secrets.MCPCLIENT_SECRET,
      username: 'carol',
      password,
    });
    const client = new Client({ name: 'api-mcp-auth-container-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${urls.mcp}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${tokens.access_token}` } },
    });
    await client.connect(transport);
    try {
      const whoAmI = await client.callTool({ name: 'who-am-i', arguments: {} });
      expect(whoAmI.structuredContent).toMatchObject({ subject: 'c-123', clientId: 'mcpclient' });
      // The MCP container exchanges the token at the AuthServer's and calls the API's.
      const weather = await client.callTool({ name: 'get-weather-forecast', arguments: {} });
      expect(weather.isError).toBeFalsy();
      expect(JSON.stringify(weather.content)).toMatch(/temperature/i);
    } finally {
      await client.close();
    }
  });

  it('drains on `podman stop`: the request in flight is answered, then exit 0, and the log says so', async () => {
    const name = containerOf('auth');
    const inFlight = trickledTokenRequest(
      urls.issuer,
      basicAuth('m2m.client', secrets.M2M_CLIENT_SECRET),
    );
    // The request has reached the server once its headers are out; the body is still held.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const stopped = Date.now();
    const stop = podman(['stop', '--time', '10', name], { timeoutMs: 30_000 });
    await until('the AuthServer to refuse new connections', () =>
      fetch(`${urls.issuer}/health`).then(
        () => undefined,
        () => true,
      ),
    );
    inFlight.finish();
    const answered = await inFlight.response;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toHaveProperty('access_token');

    expect((await stop).code).toBe(0);
    // Well inside the 10 s after which podman would have killed it.
    expect(Date.now() - stopped).toBeLessThan(9_000);
    const exitCode = await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', name]);
    expect(exitCode.trim()).toBe('0');
    const logs = await podmanOk(['logs', name]);
    const messages = logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg?: string; signal?: string }).msg);
    expect(messages).toEqual(expect.arrayContaining(['draining, then shutting down', 'stopped']));
  });
});
