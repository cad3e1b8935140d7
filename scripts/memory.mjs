// `node scripts/memory.mjs [--seconds S] [--every S] [--hold S] [label=VAR=value,VAR=value ...]`:
// where the resident set goes under load, for comparing memory settings (README "Memory").
// Starts one system per label (all roles in one process, free ports, the runtime settings of
// RUNTIME_ENV with the label's variables in place of theirs; NODE_FLAGS are V8 flags that
// NODE_OPTIONS refuses, put on the command line), drives the bench's mix at each in turn
// (protected GETs, client credentials, refreshes with rotation, tools/call, at concurrency 16)
// for S seconds, and every few seconds prints each process's RSS, its anonymous and file-backed
// parts (/proc/<pid>/smaps_rollup) and V8's heap from its /metrics. --hold keeps the idle
// systems up for S more seconds (for /proc/<pid>/smaps). At the end: each system's requests per
// second and server CPU per request, and both against the first system's, round by round.
//   node scripts/memory.mjs --seconds 300 now= "old512=NODE_OPTIONS=--max-semi-space-size=16 --max-old-space-size=512"
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { codeFlow } from './bench/code-flow.mjs';
import { runLoad } from './bench/http-load.mjs';
import {
  cpuSecondsOf,
  freePort,
  M2M_AUTHORIZATION as M2M,
  RUNTIME_ENV,
  stopChild,
  systemOnFreePorts,
  waitHealthy,
} from './lib/system-process.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '120' },
    every: { type: 'string', default: '10' },
    hold: { type: 'string', default: '0' },
  },
});
const CONCURRENCY = 16;

/** `label=VAR=value,VAR=value` (an empty list: the runtime settings alone). */
function parseSetting(text) {
  const [label, ...rest] = text.split('=');
  const spec = rest.join('=');
  const env = {};
  for (const pair of spec ? spec.split(',') : []) {
    const eq = pair.indexOf('=');
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { label, env };
}
const settings = (positionals.length ? positionals : ['now=']).map(parseSetting);

async function boot({ label, env: extra }) {
  const { env: base, urls, dir } = await systemOnFreePorts('memory-');
  const metrics = await freePort();
  // NODE_FLAGS: V8 flags that NODE_OPTIONS does not accept, given on the command line.
  const { NODE_FLAGS: flags = '', ...rest } = extra;
  // Tokens taken at start-up outlast the run (the default is five minutes).
  const env = {
    ...RUNTIME_ENV,
    ...process.env,
    ...base,
    METRICS_PORT: String(metrics),
    ACCESS_TOKEN_TTL: '7200',
    ...rest,
  };
  const child = spawn(process.execPath, [...flags.split(' ').filter(Boolean), 'dist/main.js'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitHealthy(Object.values(urls), child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const signIn = (resource, scope) =>
    codeFlow({ issuer: urls.auth, redirectUri: `${urls.spa}/signin-oidc`, resource, scope });
  const apiToken = (await signIn(urls.api, 'openid weatherget')).access_token;
  const mcpToken = (await signIn(`${urls.mcp}/mcp`, 'openid weatherget')).access_token;
  const chains = [];
  for (let i = 0; i < CONCURRENCY; i++)
    chains.push((await signIn(urls.api, 'openid offline_access weatherget')).refresh_token);
  return {
    label,
    urls,
    pid: child.pid,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    apiToken,
    mcpToken,
    chains,
    rps: Object.fromEntries(Object.keys(KINDS).map((k) => [k, []])),
    cpuUs: Object.fromEntries(Object.keys(KINDS).map((k) => [k, []])),
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function load(origin, request, requests, check) {
  return (await runLoad(origin, request, { requests, concurrency: CONCURRENCY, check })).rps;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
let rpcId = 0;
/** The bench's mix, one kind of request after another: [origin, request, count, check]. */
const KINDS = {
  protected: (sys) => [
    sys.urls.api,
    () => ({ path: '/WeatherForecast', headers: { authorization: `Bearer ${sys.apiToken}` } }),
    3000,
  ],
  clientCredentials: (sys) => [
    sys.urls.auth,
    () => ({
      method: 'POST',
      path: '/connect/token',
      headers: { authorization: M2M, ...form },
      body: 'grant_type=client_credentials&scope=api',
    }),
    1000,
  ],
  refresh: (sys) => [
    sys.urls.auth,
    (w) => ({
      method: 'POST',
      path: '/connect/token',
      headers: form,
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: sys.chains[w],
        client_id: 'interactive',
      }).toString(),
    }),
    500,
    (response, w) => (sys.chains[w] = JSON.parse(response.body).refresh_token),
  ],
  tool: (sys) => [
    sys.urls.mcp,
    () => ({
      method: 'POST',
      path: '/mcp',
      headers: {
        authorization: `Bearer ${sys.mcpToken}`,
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
    }),
    500,
    ({ body }) => {
      if (!body.includes('temperatureC')) throw new Error(`tool failed: ${body.slice(0, 200)}`);
    },
  ],
};

/** One round: each kind of request at every system in turn, so that they share the machine's moments. */
async function round(systems) {
  for (const [kind, describe] of Object.entries(KINDS)) {
    for (const sys of systems) {
      const [origin, request, count, check] = describe(sys);
      const cpu = cpuSecondsOf(sys.pid);
      sys.rps[kind].push(await load(origin, request, count, check));
      sys.cpuUs[kind].push(((cpuSecondsOf(sys.pid) - cpu) * 1e6) / count);
    }
  }
}

const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
function kibFields(path, names) {
  const out = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [key, value] = line.split(/:\s+/);
    if (names.includes(key)) out[key] = Number.parseInt(value, 10) * 1024;
  }
  return out;
}
function gauge(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}
async function snapshot(sys) {
  const smaps = kibFields(`/proc/${sys.pid}/smaps_rollup`, ['Rss', 'Anonymous']);
  const text = await fetch(sys.metricsUrl).then((r) => r.text());
  const old = text
    .split('\n')
    .find((l) => l.startsWith('nodejs_heap_space_size_total_bytes{space="old"}'));
  return (
    `rss ${mib(smaps.Rss)} anon ${mib(smaps.Anonymous)} file ${mib(smaps.Rss - smaps.Anonymous)} | ` +
    `heapTotal ${mib(gauge(text, 'nodejs_heap_size_total_bytes'))} used ${mib(gauge(text, 'nodejs_heap_size_used_bytes'))} ` +
    `old ${old ? mib(Number(old.slice(old.lastIndexOf(' ') + 1))) : '?'} external ${mib(gauge(text, 'nodejs_external_memory_bytes'))}`
  );
}
async function report(systems, t) {
  for (const sys of systems)
    console.log(`${t.toFixed(0).padStart(5)} s ${sys.label.padEnd(10)} ${await snapshot(sys)}`);
}

const systems = [];
try {
  for (const setting of settings) systems.push(await boot(setting));
  await report(systems, 0);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let reported = 0;
  while (seconds() < Number(args.seconds)) {
    await round(systems);
    if (seconds() - reported >= Number(args.every)) {
      reported = seconds();
      await report(systems, reported);
    }
  }
  await new Promise((r) => setTimeout(r, 5000));
  console.log('5 s after the load:');
  await report(systems, seconds());
  if (Number(args.hold) > 0) {
    console.log(
      `holding ${args.hold} s: pids ${systems.map((s) => `${s.label} ${s.pid}`).join(', ')}`,
    );
    await new Promise((r) => setTimeout(r, Number(args.hold) * 1000));
  }
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  // Ratios round by round against the first system: the machine's moments cancel out.
  const [first] = systems;
  console.log(
    `\nmedian over ${first.rps.protected.length} rounds: req/s, server CPU µs per request, and both against ${first.label} in the same round`,
  );
  for (const sys of systems) {
    const cells = Object.keys(KINDS).map((k) => {
      const rate = median(sys.rps[k].map((v, i) => v / first.rps[k][i]));
      const cpu = median(sys.cpuUs[k].map((v, i) => v / first.cpuUs[k][i]));
      return `${k} ${median(sys.rps[k]).toFixed(0)}/s ${median(sys.cpuUs[k]).toFixed(0)} µs (${rate.toFixed(2)}×, cpu ${cpu.toFixed(2)}×)`;
    });
    console.log(`${sys.label.padEnd(10)} ${cells.join('; ')}`);
  }
} finally {
  for (const sys of systems) await sys.stop();
}
