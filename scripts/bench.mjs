// `npm run bench`: start-up time, memory and request cost of the built system, measured in one
// run on this machine and printed as ratios against a baseline from the same run. Loopback only,
// bounded request counts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import pg from 'pg';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const M2M = 'Basic ' + Buffer.from('m2m.client:511536EF-F270-4058-80CA-1C89C192F69A').toString('base64');

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const rssMiB = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
  return Number(line.split(/\s+/)[1]) / 1024;
};

async function boot(extraEnv) {
  const [auth, api, mcp, spa] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ISSUER_URL: `http://localhost:${auth}`,
    API_BASE_URL: `http://localhost:${api}`,
    MCP_BASE_URL: `http://localhost:${mcp}`,
    SPA_URL: `http://localhost:${spa}`,
    SQLITE_PATH: join(dir, 'auth.sqlite'),
    ...extraEnv,
  };
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const urls = { auth: env.ISSUER_URL, api: env.API_BASE_URL, mcp: env.MCP_BASE_URL, spa: env.SPA_URL };
  for (;;) {
    const up = await Promise.all(
      Object.values(urls).map((u) => fetch(`${u}/health`).then((r) => r.ok, () => false)),
    );
    if (up.every(Boolean)) break;
    if (performance.now() - started > 60000) throw new Error('system did not start in 60 s');
    await new Promise((r) => setTimeout(r, 25));
  }
  const startupMs = performance.now() - started;
  return {
    urls,
    startupMs,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

async function load(makeRequest) {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const response = await makeRequest();
        await response.arrayBuffer();
        if (!response.ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (failures) throw new Error(`${failures} requests failed`);
  return REQUESTS / seconds;
}

const clientCredentials = (urls) => () =>
  fetch(`${urls.auth}/connect/token`, {
    method: 'POST',
    headers: { authorization: M2M, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=api',
  });

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(label, extraEnv) {
  const sys = await boot(extraEnv);
  try {
    const idleRss = rssMiB(sys.pid);
    const token = (await (await clientCredentials(sys.urls)()).json()).access_token;
    const health = () => fetch(`${sys.urls.api}/health`);
    // m2m's token lacks weatherget: a 403 still runs the whole verification, so accept it here.
    const verified = async () => {
      const r = await fetch(`${sys.urls.api}/WeatherForecast`, { headers: { authorization: `Bearer ${token}` } });
      return r.status === 403 ? new Response('ok') : r;
    };
    const tokens = clientCredentials(sys.urls);
    // Rounds interleave baseline and measured requests, so a slow moment of the shared machine
    // affects both; each ratio is taken within one round and the median is reported.
    const rounds = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const result = { health: await load(health), verified: await load(verified), tokens: await load(tokens) };
      if (round > 0) rounds.push(result); // round 0 warms up (JIT, JWKS cache, connection pools)
    }
    const loadedRss = rssMiB(sys.pid);
    return {
      label,
      startupMs: sys.startupMs,
      idleRss,
      loadedRss,
      health: median(rounds.map((r) => r.health)),
      verified: median(rounds.map((r) => r.verified)),
      tokens: median(rounds.map((r) => r.tokens)),
      verifiedRatio: median(rounds.map((r) => r.verified / r.health)),
      tokensRatio: median(rounds.map((r) => r.tokens / r.health)),
    };
  } finally {
    await sys.stop();
  }
}

async function postgresUrl() {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const results = [await measure('sqlite', {})];
const pgdb = await postgresUrl();
if (pgdb) {
  try {
    results.push(await measure('postgres', { DATABASE_URL: pgdb.url }));
  } finally {
    await pgdb.drop();
  }
} else {
  console.log('PostgreSQL not reachable: PostgreSQL column skipped');
}

const f = (n, d = 0) => n.toFixed(d);
console.log(
  `\n${REQUESTS} requests per measurement, concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds after a warm-up, all roles in one process\n`,
);
for (const r of results) {
  console.log(`[${r.label}]`);
  console.log(`  start-up to all four /health ok: ${f(r.startupMs)} ms`);
  console.log(`  RSS idle ${f(r.idleRss)} MiB, after load ${f(r.loadedRss)} MiB`);
  console.log(`  API /health:            ${f(r.health)} req/s (baseline)`);
  console.log(`  API bearer-verified:    ${f(r.verified)} req/s  ratio to baseline ${f(r.verifiedRatio, 2)}`);
  console.log(`  token endpoint (m2m):   ${f(r.tokens)} req/s  ratio to baseline ${f(r.tokensRatio, 2)}`);
}
if (results.length === 2) {
  const [s, p] = results;
  console.log(`\npostgres / sqlite: token endpoint ${f(p.tokens / s.tokens, 2)}, start-up ${f(p.startupMs / s.startupMs, 2)}`);
}
