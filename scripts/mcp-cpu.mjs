// Server CPU per MCP tools/call next to a direct API call: boots dist/main.js (or MAIN) on free
// ports, signs alice in, then reads utime+stime of the server process (/proc/<pid>/stat) around
// N requests. CPU per call is what closed-loop latency under load is made of, and it is less
// disturbed than latency by other work on a shared machine (still: compare medians of rounds).
//   node scripts/mcp-cpu.mjs [N=2000] [concurrency=16]   (after `npx nest build`)
// MAIN=a/main.js,b/main.js#bearer compares builds or variants (variantOf) round by round
// (ROUNDS). MAIN_NODE_FLAGS adds node flags (--cpu-prof). TOOL_ONLY=1 skips the direct calls.
// MCP_PROTOCOL and TOOL set the defaults of every variant. WORKERS=n is passed on, and the
// workers' CPU is counted. KEEP=1 keeps the SQLite folder.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeFlow } from './bench/code-flow.mjs';
import { runLoad } from './bench/http-load.mjs';
import { stopChild, systemOnFreePorts, waitHealthy } from './lib/system-process.mjs';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const MAIN = process.env.MAIN ?? 'dist/main.js';
const PROTOCOL = process.env.MCP_PROTOCOL ?? '2025-06-18';
/** get-weather-forecast calls the API; who-am-i answers from the MCP server alone. */
const TOOL = process.env.TOOL ?? 'get-weather-forecast';

/** utime + stime of `pid` and its live children (WORKERS=n forks), in seconds. */
function cpuSecondsOf(pid, fieldsOf = (f) => Number(f[11]) + Number(f[12])) {
  let seconds = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === pid || Number(fields[1]) === pid) seconds += fieldsOf(fields) / 100;
  }
  return seconds;
}

/**
 * `load` over fetch, for answers without Content-Length (2026-07-28 answers are streamed). It
 * costs the client more CPU, not the server, whose CPU is what is measured.
 */
async function fetchLoad(origin, request, requests, concurrency, check) {
  let next = 0;
  const latencies = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        const { method = 'GET', path, headers, body } = request();
        const t = performance.now();
        const response = await fetch(`${origin}${path}`, { method, headers, body });
        const text = await response.text();
        latencies.push(performance.now() - t);
        if (response.status !== 200)
          throw new Error(`${origin} answered ${response.status}: ${text.slice(0, 300)}`);
        check?.({ status: response.status, body: text });
      }
    }),
  );
  return latencies;
}

async function load(origin, request, requests, concurrency, check) {
  return (await runLoad(origin, request, { requests, concurrency, check })).latencies;
}

let rpcId = 0;
const toolCall =
  (token, { tool, protocol }) =>
  () => ({
    method: 'POST',
    path: '/mcp',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': protocol,
      ...(protocol >= '2026' ? { 'mcp-method': 'tools/call', 'mcp-name': tool } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: ++rpcId,
      method: 'tools/call',
      params: {
        name: tool,
        arguments: {},
        // 2026-07-28: no handshake; every request states its revision and client.
        ...(protocol >= '2026' && {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': protocol,
            'io.modelcontextprotocol/clientInfo': { name: 'mcp-cpu', version: '1' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        }),
      },
    }),
  });
const toolSucceeded =
  ({ tool }) =>
  ({ body }) => {
    if (
      (tool === 'get-weather-forecast' && !body.includes('temperatureC')) ||
      !body.includes('"result"') ||
      body.includes('"isError":true')
    )
      throw new Error(`tool failed: ${body.slice(0, 300)}`);
  };

/**
 * `path#option+option`: the build to run and how to call it there. Options: `bearer` (the
 * weather API's tools without DPoP), `2026` (protocol revision 2026-07-28), a tool name.
 */
function variantOf(spec) {
  const [main, options = ''] = spec.split('#');
  const flags = options.split('+').filter(Boolean);
  return {
    main,
    bearer: flags.includes('bearer') || Boolean(process.env.BEARER_API),
    protocol: flags.includes('2026') ? '2026-07-28' : PROTOCOL,
    tool: flags.find((f) => f !== 'bearer' && f !== '2026') ?? TOOL,
  };
}

/** One system from `main`, warmed up, signed in; `measure` runs N calls and reads its CPU. */
async function system(spec) {
  const variant = variantOf(spec);
  const { main } = variant;
  const { env, urls, dir } = await systemOnFreePorts('mcp-cpu-');
  if (variant.bearer) {
    // The weather API as an APIS_FILE entry without DPoP: what the proofs cost, by difference.
    env.APIS_FILE = join(dir, 'apis.json');
    const api = {
      name: 'weather',
      resource: urls.api,
      scopes: ['weatherget', 'api'],
      openapi: `${urls.api}/swagger-json`,
      baseUrl: urls.api,
      dpop: false,
    };
    writeFileSync(env.APIS_FILE, JSON.stringify({ apis: [api] }));
  }
  const flags = process.env.MAIN_NODE_FLAGS ? process.env.MAIN_NODE_FLAGS.split(' ') : [];
  const child = spawn(process.execPath, [...flags, main], {
    env: {
      NODE_OPTIONS: '--max-semi-space-size=16 --max-old-space-size=1024',
      MALLOC_ARENA_MAX: '2',
      MALLOC_TRIM_THRESHOLD_: '131072',
      ...process.env,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    await stopChild(child);
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log('kept', dir);
  };
  try {
    await waitHealthy(Object.values(urls), child);
    const userToken = (resource) =>
      codeFlow({
        issuer: urls.auth,
        redirectUri: `${urls.spa}/signin-oidc`,
        resource,
        scope: 'openid weatherget',
      }).then((t) => t.access_token);
    const apiToken = await userToken(urls.api);
    const mcpToken = await userToken(`${urls.mcp}/mcp`);
    const direct = () => ({
      path: '/WeatherForecast',
      headers: { authorization: `Bearer ${apiToken}` },
    });
    const tool = toolCall(mcpToken, variant);
    const check = toolSucceeded(variant);
    await load(urls.api, direct, 500, CONCURRENCY);
    const toolLoad = variant.protocol >= '2026' ? fetchLoad : load;
    await toolLoad(urls.mcp, tool, 500, CONCURRENCY, check);
    const measure = async (origin, request, check, run = load) => {
      const before = cpuSecondsOf(child.pid);
      const systemBefore = cpuSecondsOf(child.pid, (f) => Number(f[12]));
      const started = performance.now();
      const latencies = await run(origin, request, N, CONCURRENCY, check);
      const ms = performance.now() - started;
      return {
        cpuUs: ((cpuSecondsOf(child.pid) - before) * 1e6) / N,
        systemUs: ((cpuSecondsOf(child.pid, (f) => Number(f[12])) - systemBefore) * 1e6) / N,
        rps: N / (ms / 1000),
        latencies,
      };
    };
    return {
      main: spec,
      stop,
      direct: () => measure(urls.api, direct),
      tool: () => measure(urls.mcp, tool, check, toolLoad),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** The median latency over every round's calls, in ms. */
const p50 = (runs) =>
  runs.length ? Number(median(runs.flatMap((x) => x.latencies)).toFixed(3)) : undefined;
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const systems = [];
try {
  for (const main of MAIN.split(',')) systems.push(await system(main));
  const results = systems.map(() => ({ direct: [], tool: [] }));
  // Round by round, each system in turn: what the machine is doing meanwhile falls on all alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, s] of systems.entries()) {
      if (!process.env.TOOL_ONLY) results[i].direct.push(await s.direct());
      results[i].tool.push(await s.tool());
    }
  }
  for (const [i, s] of systems.entries()) {
    const r = results[i];
    const us = (list) => list.map((x) => Math.round(x.cpuUs));
    console.log(
      JSON.stringify({
        main: s.main,
        n: N,
        concurrency: CONCURRENCY,
        directCpuUs: median(us(r.direct)),
        toolCpuUs: median(us(r.tool)),
        toolCpuUsRounds: us(r.tool),
        directSystemUs: median(r.direct.map((x) => Math.round(x.systemUs))),
        toolSystemUs: median(r.tool.map((x) => Math.round(x.systemUs))),
        directRps: Math.round(median(r.direct.map((x) => x.rps)) || 0),
        directP50Ms: p50(r.direct),
        toolP50Ms: p50(r.tool),
        toolRps: Math.round(median(r.tool.map((x) => x.rps))),
      }),
    );
  }
} finally {
  for (const s of systems) await s.stop();
}
