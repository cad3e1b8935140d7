// `npm run bench`: the hot-path table (README "Measured"), measured in one run on this
// machine. Every row is printed next to its baseline from the same run and its goal. Servers
// are started on free ports, every measurement is warmed up, baseline and measured requests
// alternate in rounds, and the median round is reported. Results also go to
// bench/results/latest.json.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { startBareProvider } from './bench/bare-provider-process.mjs';
import { codeFlow } from './bench/code-flow.mjs';
import { dpopKey } from './bench/dpop.mjs';
import { runLoad } from './bench/http-load.mjs';
import {
  cpuSecondsOf,
  freePort,
  M2M_AUTHORIZATION,
  RUNTIME_ENV,
  startSystem,
  stopChild,
  waitHealthy,
} from './lib/system-process.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const rssMiB = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS'));
  return Number(line.split(/\s+/)[1]) / 1024;
};

/** A further process of an existing system's (a replica), under the memory settings. */
function spawnServer(env) {
  return spawn(process.execPath, ['dist/main.js'], {
    env: { ...RUNTIME_ENV, ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
/** `runtime`: the memory settings (RUNTIME_ENV, as deployed), or {} for V8's and glibc's defaults. */
const boot = (extraEnv, runtime) => startSystem({ prefix: 'bench-', extraEnv, runtime });

/** runLoad with the bench's REQUESTS and CONCURRENCY unless `options` says otherwise. */
const load = (origin, request, options = {}) =>
  runLoad(origin, request, { requests: REQUESTS, concurrency: CONCURRENCY, ...options });

const bearer = (token) => (token ? { authorization: `Bearer ${token}` } : {});
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const getRequest = (path, token) => () => ({ path, headers: bearer(token) });
/** A DPoP-bound token with a fresh proof per request (RFC 9449 §7.1), signed in the worker. */
const dpopGetRequest = (origin, path, token, key) => () => ({
  path,
  headers: { authorization: `DPoP ${token}`, dpop: key.proof('GET', `${origin}${path}`, token) },
});
const clientCredentials = () => ({
  method: 'POST',
  path: '/connect/token',
  headers: { authorization: M2M_AUTHORIZATION, ...form },
  body: 'grant_type=client_credentials&scope=api',
});
/** Refresh grants with rotation: each worker follows its own chain of refresh tokens. */
const refresh = (chains, clientId) => ({
  request: (worker) => ({
    method: 'POST',
    path: '/connect/token',
    headers: form,
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: chains[worker],
      client_id: clientId,
    }).toString(),
  }),
  check: (response, worker) => {
    chains[worker] = JSON.parse(response.body).refresh_token;
  },
});
const expectStatus = async (response, status = 200) => {
  const body = await response.text();
  if (response.status !== status)
    throw new Error(`answered ${response.status}: ${body.slice(0, 200)}`);
  return body;
};
const get = (url, token) => fetch(url, { headers: bearer(token) }).then((r) => expectStatus(r));
let rpcId = 0;
const toolCall = (token) => () => ({
  method: 'POST',
  path: '/mcp',
  headers: {
    ...bearer(token),
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-06-18',
  },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: ++rpcId,
    method: 'tools/call',
    params: { name: 'get-weather-forecast', arguments: {} },
  }),
});
const toolSucceeded = ({ body }) => {
  if (!body.includes('temperatureC') || body.includes('"isError":true'))
    throw new Error(`tool failed: ${body.slice(0, 200)}`);
};

/** Alternates the named measurements round by round; round 0 only warms up. */
async function rounds(measurements) {
  const results = Object.fromEntries(Object.keys(measurements).map((k) => [k, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(measurements)) {
      const result = await run();
      if (round > 0) results[name].push(result.rps);
    }
  }
  return results;
}
const ratioOf = (a, b) => median(a.map((value, i) => value / b[i]));

/** REQUESTS / 2 refresh grants on `origin`, each worker following its chain in `chains`. */
function refreshLoad(origin, chains) {
  const grant = refresh(chains, 'interactive');
  return load(origin, grant.request, { requests: REQUESTS / 2, check: grant.check });
}

async function measureSystem(label, extraEnv) {
  const sys = await boot(extraEnv);
  try {
    const idleRss = rssMiB(sys.pid);
    const userToken = (resource, scope = 'openid weatherget') =>
      codeFlow({
        issuer: sys.urls.auth,
        redirectUri: `${sys.urls.spa}/signin-oidc`,
        resource,
        scope,
      });
    const apiToken = (await userToken(sys.urls.api)).access_token;
    const key = dpopKey();
    const bound = await codeFlow({
      issuer: sys.urls.auth,
      redirectUri: `${sys.urls.spa}/signin-oidc`,
      resource: sys.urls.api,
      scope: 'openid weatherget',
      dpop: key,
    });
    if (bound.token_type !== 'DPoP')
      throw new Error(`expected a DPoP-bound token, got ${bound.token_type}`);
    const chains = [];
    for (let i = 0; i < CONCURRENCY; i++)
      chains.push(
        (await userToken(sys.urls.api, 'openid offline_access weatherget')).refresh_token,
      );
    // The refresh row's baseline, a fresh one per system so that neither inherits the other's
    // records; it idles while ours is measured and ours while it is.
    const bare = await bareProvider(sys.urls.api);
    let r;
    try {
      r = await rounds({
        public: () => load(sys.urls.api, getRequest('/bench/WeatherForecast')),
        protected: () => load(sys.urls.api, getRequest('/WeatherForecast', apiToken)),
        protectedDpop: () =>
          load(
            sys.urls.api,
            dpopGetRequest(sys.urls.api, '/WeatherForecast', bound.access_token, key),
          ),
        clientCredentials: () => load(sys.urls.auth, clientCredentials),
        refresh: () => refreshLoad(sys.urls.auth, chains),
        bareRefresh: () => refreshLoad(bare.issuer, bare.refreshTokens),
      });
    } finally {
      await bare.stop();
    }
    const mcpToken = (await userToken(`${sys.urls.mcp}/mcp`)).access_token;
    const mcp = await mcpLatency(sys, apiToken, mcpToken);
    return {
      label,
      startupMs: sys.startupMs,
      idleRssMiB: idleRss,
      loadedRssMiB: rssMiB(sys.pid),
      rps: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)])),
      protectedRatio: ratioOf(r.protected, r.public),
      dpopRatio: ratioOf(r.protectedDpop, r.protected),
      clientCredentials: r.clientCredentials,
      refresh: {
        rounds: r.refresh,
        inMemoryRounds: r.bareRefresh,
        ratio: ratioOf(r.refresh, r.bareRefresh),
      },
      mcp,
      sys,
    };
  } catch (error) {
    await sys.stop();
    throw error;
  }
}

/** MCP tools/call against a direct API call, interleaved: unloaded (one at a time) and loaded. */
async function mcpLatency(sys, apiToken, mcpToken) {
  const direct = getRequest('/WeatherForecast', apiToken);
  const tool = toolCall(mcpToken);
  const out = {};
  for (const [name, concurrency] of [
    ['unloaded', 1],
    ['loaded', CONCURRENCY],
  ]) {
    const d = [];
    const t = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const a = await load(sys.urls.api, direct, { requests: 300, concurrency });
      const b = await load(sys.urls.mcp, tool, {
        requests: 300,
        concurrency,
        check: toolSucceeded,
      });
      if (round > 0) (d.push(...a.latencies), t.push(...b.latencies));
    }
    out[name] = {
      directP50: percentile(d, 0.5),
      toolP50: percentile(t, 0.5),
      addedP50: percentile(t, 0.5) - percentile(d, 0.5),
      directP99: percentile(d, 0.99),
      toolP99: percentile(t, 0.99),
    };
  }
  return out;
}

/** oidc-provider alone in memory (bare-provider.mjs), with CONCURRENCY refresh chains begun. */
const bareProvider = (resource) => startBareProvider({ resource, chains: CONCURRENCY });

/** Runs `run` and appends the server's CPU microseconds per request to `list`. */
const withServerCpu = (pid, list, run) => async () => {
  const before = cpuSecondsOf(pid);
  const result = await run();
  list.push(((cpuSecondsOf(pid) - before) * 1e6) / REQUESTS);
  return result;
};

/** RS256 signatures per second on one core, as node:crypto makes them (2048-bit key). */
function rawSigningRate() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('x'.repeat(600));
  for (let i = 0; i < 200; i++) sign('sha256', data, privateKey);
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 1000) {
    sign('sha256', data, privateKey);
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

/** Revoked at the AuthServer, how long until a second API process refuses the token. */
async function revocationReach(sys) {
  const port = await freePort();
  const replica = `http://localhost:${port}`;
  const child = spawnServer({ ...sys.env, ROLES: 'api', API_PORT: String(port) });
  await waitHealthy([replica], child);
  const samples = [];
  try {
    for (let i = 0; i < 5; i++) {
      const token = (
        await codeFlow({
          issuer: sys.urls.auth,
          redirectUri: `${sys.urls.spa}/signin-oidc`,
          resource: sys.urls.api,
          scope: 'openid weatherget',
        })
      ).access_token;
      await get(`${replica}/WeatherForecast`, token);
      const revokedAt = performance.now();
      await fetch(`${sys.urls.auth}/connect/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: 'interactive' }).toString(),
      }).then((r) => expectStatus(r));
      for (;;) {
        const response = await fetch(`${replica}/WeatherForecast`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await response.arrayBuffer();
        if (response.status === 401) break;
        if (performance.now() - revokedAt > 5000)
          throw new Error('revocation did not reach the replica in 5 s');
      }
      samples.push(performance.now() - revokedAt);
    }
  } finally {
    await stopChild(child);
  }
  return { medianMs: median(samples), maxMs: Math.max(...samples), samples };
}

async function postgresDatabase() {
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const benchStarted = performance.now();
const sqlite = await measureSystem('sqlite', {});
await sqlite.sys.stop();
// Token issuance against its baselines, interleaved, each server new and warmed alike (a server
// that ran the rows above carries their state, which is not what this row compares). The bare
// provider runs on V8's defaults, and so does one of two systems of ours: the deployment's
// 1 GiB old-space bound (README "Memory") makes V8 collect a heap of our size more often, a cost
// of that setting and not of our code, which the comparison with the library leaves out; the
// setting's own price is a row of its own.
const bare = await bareProvider('http://localhost:5000');
let deployed;
let defaults;
let issuance;
try {
  deployed = await boot({});
  defaults = await boot({}, {});
  for (let i = 0; i <= ROUNDS; i++) {
    for (const origin of [deployed.urls.auth, defaults.urls.auth, bare.issuer])
      await load(origin, clientCredentials);
  }
  // Server CPU per token as well as throughput: the server signs on its thread pool, so on a
  // machine with more cores than one its throughput is not one core's work ("per core" below).
  const cpu = { ours: [], defaults: [], bare: [] };
  const r = await rounds({
    ours: withServerCpu(deployed.pid, cpu.ours, () => load(deployed.urls.auth, clientCredentials)),
    defaults: withServerCpu(defaults.pid, cpu.defaults, () =>
      load(defaults.urls.auth, clientCredentials),
    ),
    bare: withServerCpu(bare.pid, cpu.bare, () => load(bare.issuer, clientCredentials)),
  });
  const signing = rawSigningRate();
  const cpuUs = {
    ours: median(cpu.ours.slice(1)),
    defaults: median(cpu.defaults.slice(1)),
    bare: median(cpu.bare.slice(1)),
  };
  issuance = {
    ours: median(r.ours),
    defaults: median(r.defaults),
    bare: median(r.bare),
    bareRatio: ratioOf(r.defaults, r.bare),
    settingsRatio: ratioOf(r.ours, r.defaults),
    rawSigning: signing,
    rawRatio: median(r.ours) / signing,
    serverCpuUsPerToken: cpuUs,
    perCoreRatio: 1e6 / cpuUs.ours / signing,
    barePerCoreRatio: 1e6 / cpuUs.bare / signing,
  };
} finally {
  await defaults?.stop();
  await deployed?.stop();
  await bare.stop();
}

/** The protected route and the tool call with the roles on `workers` processes (WORKERS). */
async function measureWorkers(workers) {
  const sys = await boot({ WORKERS: String(workers) });
  try {
    const userToken = (resource) =>
      codeFlow({
        issuer: sys.urls.auth,
        redirectUri: `${sys.urls.spa}/signin-oidc`,
        resource,
        scope: 'openid weatherget',
      });
    const apiToken = (await userToken(sys.urls.api)).access_token;
    const mcpToken = (await userToken(`${sys.urls.mcp}/mcp`)).access_token;
    const r = await rounds({
      protected: () => load(sys.urls.api, getRequest('/WeatherForecast', apiToken)),
      tool: () => load(sys.urls.mcp, toolCall(mcpToken), { check: toolSucceeded }),
    });
    return { workers, protectedRps: median(r.protected), toolRps: median(r.tool) };
  } finally {
    await sys.stop();
  }
}
const byWorkers = [await measureWorkers(1), await measureWorkers(2)];

let postgres;
let reach;
const db = await postgresDatabase();
if (db) {
  try {
    postgres = await measureSystem('postgres', { DATABASE_URL: db.url });
    try {
      reach = await revocationReach(postgres.sys);
    } finally {
      await postgres.sys.stop();
    }
  } finally {
    await db.drop();
  }
} else {
  console.log('PostgreSQL not reachable: its rows are skipped');
}

const f = (n, d = 0) => (n === undefined ? 'n/a' : n.toFixed(d));
const rows = [
  [
    'protected GET /WeatherForecast (SQLite)',
    `${f(sqlite.rps.protected)} req/s`,
    `public twin ${f(sqlite.rps.public)} req/s`,
    f(sqlite.protectedRatio, 2) + '×',
    '≥ 0.8×',
  ],
  [
    'protected GET /WeatherForecast (PostgreSQL)',
    `${f(postgres?.rps.protected)} req/s`,
    `public twin ${f(postgres?.rps.public)} req/s`,
    f(postgres?.protectedRatio, 2) + '×',
    '≥ 0.8×',
  ],
  // The client's proof signing runs in the same process as the load generator, as it would in a client.
  [
    'protected GET /WeatherForecast, DPoP-bound + fresh proof (SQLite)',
    `${f(sqlite.rps.protectedDpop)} req/s`,
    `Bearer ${f(sqlite.rps.protected)} req/s`,
    f(sqlite.dpopRatio, 2) + '×',
    'reported',
  ],
  [
    'protected GET /WeatherForecast, DPoP-bound + fresh proof (PostgreSQL)',
    `${f(postgres?.rps.protectedDpop)} req/s`,
    `Bearer ${f(postgres?.rps.protected)} req/s`,
    f(postgres?.dpopRatio, 2) + '×',
    'reported',
  ],
  [
    'client credentials vs bare oidc-provider, both on V8 defaults',
    `${f(issuance.defaults)} req/s`,
    `bare ${f(issuance.bare)} req/s`,
    f(issuance.bareRatio, 2) + '×',
    '≥ 0.9×',
  ],
  [
    'client credentials with the memory settings vs V8 defaults',
    `${f(issuance.ours)} req/s, ${f(issuance.serverCpuUsPerToken.ours)} µs server CPU per token`,
    `defaults ${f(issuance.defaults)} req/s, ${f(issuance.serverCpuUsPerToken.defaults)} µs`,
    f(issuance.settingsRatio, 2) + '×',
    'reported',
  ],
  [
    'client credentials vs raw RS256 signing (1 core)',
    `${f(issuance.ours)} req/s (whole machine)`,
    `node:crypto ${f(issuance.rawSigning)} sig/s`,
    f(issuance.rawRatio, 2) + '×',
    '≥ 0.75×',
  ],
  [
    'client credentials per core: tokens per server CPU-second vs raw RS256 signing',
    `${f(issuance.serverCpuUsPerToken.ours)} µs server CPU per token (bare ${f(issuance.serverCpuUsPerToken.bare)} µs, ${f(issuance.barePerCoreRatio, 2)}×)`,
    `node:crypto ${f(1e6 / issuance.rawSigning)} µs per signature`,
    f(issuance.perCoreRatio, 2) + '×',
    '≥ 0.75×',
  ],
  [
    'refresh with rotation (SQLite)',
    `${f(sqlite.rps.refresh)} req/s`,
    `in-memory adapter ${f(sqlite.rps.bareRefresh)} req/s`,
    f(sqlite.refresh.ratio, 2) + '×',
    '≥ 0.7×',
  ],
  [
    'refresh with rotation (PostgreSQL)',
    `${f(postgres?.rps.refresh)} req/s`,
    `in-memory adapter ${f(postgres?.rps.bareRefresh)} req/s`,
    f(postgres?.refresh.ratio, 2) + '×',
    '≥ 0.7×',
  ],
  ...['unloaded', 'loaded'].map((k) => [
    `MCP tools/call weather, ${k} (SQLite)`,
    `p50 ${f(sqlite.mcp[k].toolP50, 2)} ms, p99 ${f(sqlite.mcp[k].toolP99, 2)} ms`,
    `direct API p50 ${f(sqlite.mcp[k].directP50, 2)} ms, p99 ${f(sqlite.mcp[k].directP99, 2)} ms`,
    `+${f(sqlite.mcp[k].addedP50, 2)} ms p50`,
    k === 'unloaded' ? 'added p50 < 1 ms' : 'p99 reported',
  ]),
  ...byWorkers.map((w) => [
    `WORKERS=${w.workers}: protected GET and MCP tools/call at concurrency ${CONCURRENCY} (SQLite)`,
    `protected ${f(w.protectedRps)} req/s, tool ${f(w.toolRps)} calls/s`,
    '—',
    w.workers === 1
      ? '—'
      : `${f(w.protectedRps / byWorkers[0].protectedRps, 2)}× / ${f(w.toolRps / byWorkers[0].toolRps, 2)}× of WORKERS=1`,
    'reported',
  ]),
  [
    'revocation reaching another process (PostgreSQL)',
    reach ? `median ${f(reach.medianMs)} ms, max ${f(reach.maxMs)} ms` : 'n/a',
    '—',
    '—',
    '< 1 s',
  ],
  [
    'start-up to all ports healthy',
    `SQLite ${f(sqlite.startupMs)} ms, PostgreSQL ${f(postgres?.startupMs)} ms`,
    '—',
    '—',
    'reported',
  ],
  [
    'RSS idle / after load',
    `SQLite ${f(sqlite.idleRssMiB)}/${f(sqlite.loadedRssMiB)} MiB, PostgreSQL ${f(postgres?.idleRssMiB)}/${f(postgres?.loadedRssMiB)} MiB`,
    '—',
    '—',
    'reported',
  ],
];
const machine = `${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}`;
console.log(
  `\n${machine}; ${REQUESTS} requests per measurement at concurrency ${CONCURRENCY}, median of ${ROUNDS} interleaved rounds after a warm-up, all roles in one process (WORKERS=1)\n`,
);
console.log('| path | measured | baseline (same run) | ratio | goal |\n|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(`\nbench took ${f((performance.now() - benchStarted) / 1000)} s`);

const strip = (m) => m && (({ sys, ...rest }) => rest)(m);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/latest.json',
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      sqlite: strip(sqlite),
      postgres: strip(postgres),
      workers: byWorkers,
      issuance,
      revocationReach: reach,
      rows,
    },
    null,
    2,
  ) + '\n',
);
