import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keyStatuses, type KeyPolicy, type KeyStatus } from '../src/auth/keys/keyset';
import { loadKeyset } from '../src/auth/keys/keyset.store';
import { PostgresAuthStore } from '../src/storage/postgres/postgres.store';
import { codeFlow, getWeather, tokenRequest, type TokenResponse } from './support/flows';
import { toolCall } from './support/mcp';
import { decodeJwt } from './support/pkce';
import { onFreePorts } from './support/ports';
import { describeWithPostgres } from './support/postgres-available';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { startServerProcess, type ServerProcess } from './support/server-process';

// `npm run keys -- <args>` is `node scripts/admin.mjs keys <args>`.
const ADMIN_SCRIPT = join(__dirname, '..', 'scripts', 'admin.mjs');
const TTL = 30;
const ACTIVATION_DELAY = 3;
/** Seconds from the first new key's activation to the second rotate command. */
const SECOND_ROTATION_AFTER = 15;
const POLICY: KeyPolicy = {
  activationDelaySeconds: ACTIVATION_DELAY,
  longestTokenTtlSeconds: TTL,
  rotationAgeSeconds: undefined,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowSeconds = () => Math.floor(Date.now() / 1000);
const kidOf = (jwt: string) => decodeJwt(jwt).header.kid as string;
const claimsOf = (jwt: string) => decodeJwt(jwt).payload as { iat: number; exp: number };

interface IssuedToken {
  readonly kid: string;
  readonly iat: number;
  readonly exp: number;
  readonly replica: number;
}

interface JwksSample {
  readonly at: number;
  readonly kids: readonly string[][];
}

/**
 * Key rotation under load, as operators run it: two AuthServer replicas on one PostgreSQL
 * database, the API and the MCP server in their own processes, `npm run keys -- rotate` twice
 * while a client keeps calling the API and the MCP weather tool with old and fresh tokens.
 */
describeWithPostgres('signing-key rotation under load', () => {
  let db: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  const urls = { issuer: '', replica2: '', api: '', mcp: '', spa: '' };
  let env: Record<string, string> = {};

  beforeAll(async () => {
    const created = await createTestDatabase();
    if (!created) throw new Error('PostgreSQL answered the probe but not the test database set-up');
    db = created;
    // Ports are configuration here (issuer, resources), so they are chosen before the processes
    // bind them; one taken in between fails that start with EADDRINUSE and all start again.
    await onFreePorts(5, async ([auth1, auth2, api, mcp, spa]) => {
      try {
        Object.assign(urls, {
          issuer: `http://localhost:${auth1}`,
          replica2: `http://localhost:${auth2}`,
          api: `http://localhost:${api}`,
          mcp: `http://localhost:${mcp}`,
          spa: `http://localhost:${spa}`,
        });
        env = {
          DATABASE_URL: created.url,
          ISSUER_URL: urls.issuer,
          API_BASE_URL: urls.api,
          MCP_BASE_URL: urls.mcp,
          SPA_URL: urls.spa,
          ACCESS_TOKEN_TTL: String(TTL),
          EXCHANGED_TOKEN_TTL: String(TTL),
          ID_TOKEN_TTL: String(TTL),
          KEY_ACTIVATION_DELAY_SECONDS: String(ACTIVATION_DELAY),
        };
        servers.push(await startServerProcess({ ...env, ROLES: 'auth' }, urls.issuer));
        servers.push(
          await startServerProcess(
            { ...env, ROLES: 'auth', AUTH_PORT: String(auth2) },
            urls.replica2,
          ),
        );
        // The API before the MCP server, so the MCP server reads the API's description at start:
        // this test is about signing keys, not about roles starting in any order (mcp-degraded is).
        servers.push(await startServerProcess({ ...env, ROLES: 'api' }, urls.api));
        servers.push(await startServerProcess({ ...env, ROLES: 'mcp' }, urls.mcp));
      } catch (error) {
        await stopAll();
        throw error;
      }
    });
  }, 90_000);

  async function stopAll() {
    await Promise.all(
      servers.splice(0).map(async (server) => {
        if (server.child.exitCode === null) server.signal('SIGTERM');
        await server.exited();
      }),
    );
  }

  afterAll(async () => {
    await stopAll();
    await db?.drop();
  });

  const keys = (...args: string[]) =>
    promisify(execFile)(process.execPath, [ADMIN_SCRIPT, 'keys', ...args], {
      env: { ...process.env, ...env },
    });

  async function statuses(): Promise<KeyStatus[]> {
    const store = await PostgresAuthStore.connect(db!.url);
    try {
      return keyStatuses((await loadKeyset(store, nowSeconds())).keyset, nowSeconds(), POLICY);
    } finally {
      await store.close();
    }
  }

  it('serves every request while keys rotate twice; replicas agree; old keys leave only after their tokens expired', async () => {
    if (!db) throw new Error('PostgreSQL unavailable (see SKIPPED above)');
    const replicas = [urls.issuer, urls.replica2];
    const signIn = (resource: string) =>
      codeFlow({ urls }, { resources: [resource], scope: 'openid weatherget offline_access' });
    const refresh = async (chain: TokenResponse, replica: number): Promise<TokenResponse> => {
      const response = await tokenRequest(
        { urls: { issuer: replicas[replica]! } },
        {
          grant_type: 'refresh_token',
          refresh_token: chain.refresh_token!,
          client_id: 'interactive',
        },
      );
      if (response.status !== 200)
        throw new Error(`refresh: ${response.status} ${await response.text()}`);
      return (await response.json()) as TokenResponse;
    };
    const callTool = async (token: string) => {
      const response = await fetch(`${urls.mcp}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify(toolCall('get-weather-forecast')),
      });
      const text = await response.text();
      return response.status === 200 &&
        text.includes('temperatureC') &&
        !text.includes('"isError":true')
        ? 'ok'
        : `${response.status} ${text.slice(0, 200)}`;
    };

    const [original] = await statuses();
    let apiChain = await signIn(urls.api);
    let mcpChain = await signIn(`${urls.mcp}/mcp`);
    const firstApiToken = apiChain.access_token;
    const firstMcpToken = mcpChain.access_token;
    const issued: IssuedToken[] = [];
    const record = (jwt: string, replica: number) =>
      issued.push({ kid: kidOf(jwt), ...claimsOf(jwt), replica });
    record(firstApiToken, 0);
    record(firstMcpToken, 0);
    record(apiChain.id_token!, 0);

    const firstIdToken = apiChain.id_token!;
    let hintChecked: number | undefined;
    let hintCheckedAt = 0;
    const failures: string[] = [];
    const samples: JwksSample[] = [];
    const started = Date.now();
    const rotations: Promise<unknown>[] = [];
    let rotated: readonly KeyStatus[] = [];
    let requests = 0;
    for (let i = 0; ; i += 1) {
      const elapsed = (Date.now() - started) / 1000;
      // The schedule follows the keyset, not the wall clock: on a loaded machine a rotate
      // command can take seconds, and a second rotate is refused while a key is pending.
      const firstRotation = rotated.find(
        (s) => s.key.kid !== original!.key.kid && s.state === 'active',
      );
      const firstRotationActive = firstRotation !== undefined;
      if (elapsed >= 2 && rotations.length === 0) rotations.push(keys('rotate'));
      // The first new key outlives the original by the time between the two activations, and
      // `retire` at the end must still find it in use: that time is counted from its activation,
      // so a slow first rotate command cannot shrink it. The loop's end (the original key's
      // retirement) does not depend on it.
      if (
        firstRotationActive &&
        nowSeconds() >= firstRotation.key.activatesAt + SECOND_ROTATION_AFTER &&
        rotations.length === 1
      )
        rotations.push(keys('rotate'));
      const replica = i % 2;
      if (firstRotationActive && hintChecked === undefined) {
        // oidc-provider verifies an id_token_hint itself: one signed by the now previous key.
        const endSession = new URL(`${replicas[replica]!}/connect/endsession`);
        endSession.searchParams.set('id_token_hint', firstIdToken);
        hintCheckedAt = nowSeconds();
        hintChecked = (await fetch(endSession)).status;
      }
      apiChain = await refresh(apiChain, replica);
      mcpChain = await refresh(mcpChain, 1 - replica);
      record(apiChain.access_token, replica);
      record(apiChain.id_token!, replica);
      record(mcpChain.access_token, 1 - replica);

      const now = nowSeconds();
      // Tokens signed before the rotations keep being used until shortly before they expire.
      const oldApi = claimsOf(firstApiToken).exp - now > 3 ? [firstApiToken] : [];
      const oldMcp = claimsOf(firstMcpToken).exp - now > 3 ? [firstMcpToken] : [];
      const outcomes = await Promise.all([
        ...[apiChain.access_token, ...oldApi].map(async (t) => {
          const r = await getWeather({ urls }, t);
          return r.status === 200 ? 'ok' : `API ${r.status} ${r.headers.get('www-authenticate')}`;
        }),
        ...[mcpChain.access_token, ...oldMcp].map(callTool),
      ]);
      requests += outcomes.length;
      failures.push(...outcomes.filter((o) => o !== 'ok'));

      const kids = await Promise.all(
        replicas.map(async (r) => {
          const body = (await (
            await fetch(`${r}/.well-known/openid-configuration/jwks`)
          ).json()) as {
            keys: { kid: string }[];
          };
          return body.keys.map((k) => k.kid).sort();
        }),
      );
      samples.push({ at: Date.now() / 1000, kids });

      const all = await statuses();
      rotated = all;
      const firstRetiresAt = all.find((s) => s.key.kid === original!.key.kid)!.retiresAt;
      if (rotations.length === 2 && firstRetiresAt !== undefined && now > firstRetiresAt + 2) break;
      await sleep(250);
    }
    const outputs = (await Promise.all(rotations)) as { stdout: string }[];
    expect(outputs.map((o) => o.stdout)).toEqual([
      expect.stringMatching(/^rotated: /),
      expect.stringMatching(/^rotated: /),
    ]);

    expect(hintChecked).toBe(200);
    expect(kidOf(firstIdToken)).toBe(original!.key.kid);
    // Zero failed requests, across the whole run.
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(100);

    const [k0, k1, k2] = await statuses();
    expect(k0!.key.kid).toBe(original!.key.kid);
    // Every token carries the key active when it was issued, on both replicas alike.
    const expectedKid = (iat: number) =>
      iat < k1!.key.activatesAt
        ? k0!.key.kid
        : iat < k2!.key.activatesAt
          ? k1!.key.kid
          : k2!.key.kid;
    const nearSwitch = (iat: number) =>
      [k1!.key.activatesAt, k2!.key.activatesAt].some((t) => iat >= t - 1 && iat <= t);
    expect(hintCheckedAt).toBeGreaterThanOrEqual(k1!.key.activatesAt);
    const judged = issued.filter((t) => !nearSwitch(t.iat));
    for (const token of judged) expect({ ...token, kid: expectedKid(token.iat) }).toEqual(token);
    for (const kid of [k0, k1, k2].map((k) => k!.key.kid)) {
      for (const replica of [0, 1]) {
        expect(judged.some((t) => t.kid === kid && t.replica === replica)).toBe(true);
      }
    }

    // Both replicas publish the same JWKS, except while one has not yet re-read the keyset after
    // a rotation (a pending key, within the refresh interval) and at a retirement second's edge.
    const edges = [
      ...[k1!.key.createdAt, k2!.key.createdAt].map((t) => [t, t + 2.5]),
      [k0!.retiresAt! - 1, k0!.retiresAt! + 1],
    ];
    const stable = samples.filter((s) => !edges.some(([from, to]) => s.at >= from! && s.at <= to!));
    expect(stable.length).toBeGreaterThan(samples.length / 2);
    for (const sample of stable) expect(sample.kids[1]).toEqual(sample.kids[0]);

    // The first key stays published until every token it signed has expired, then leaves.
    const lastExpiry = Math.max(...issued.filter((t) => t.kid === k0!.key.kid).map((t) => t.exp));
    expect(lastExpiry).toBeLessThan(k0!.retiresAt!);
    for (const sample of samples) {
      const published = sample.kids.every((kids) => kids.includes(k0!.key.kid));
      if (sample.at < k0!.retiresAt!) expect(published).toBe(true);
      if (sample.at >= k0!.retiresAt! + 1) expect(published).toBe(false);
    }
    // New keys were published before they signed: from its activation on, both replicas
    // publish each new key, and some sample before an activation already showed it everywhere.
    for (const key of [k1!.key, k2!.key]) {
      for (const sample of samples.filter((s) => s.at >= key.activatesAt)) {
        for (const kids of sample.kids) expect(kids).toContain(key.kid);
      }
    }
    const seenEarly = [k1!.key, k2!.key].some((key) =>
      samples.some((s) => s.at < key.activatesAt && s.kids.every((kids) => kids.includes(key.kid))),
    );
    expect(seenEarly).toBe(true);

    // `keys list` shows the lifecycle; `retire` drops the first key now that it is retired.
    const { stdout: list } = await keys('list');
    expect(list).toMatch(new RegExp(`${k0!.key.kid}\\s+retired`));
    expect(list).toMatch(new RegExp(`${k2!.key.kid}\\s+active`));
    const { stdout: retired } = await keys('retire');
    expect(retired).toBe(`retired: ${k0!.key.kid}\n`);
    await expect(keys('retire', k1!.key.kid)).rejects.toMatchObject({ code: 1 });
  }, 150_000);
});
