// `node scripts/compare-builds.mjs <other checkout> [--rounds N] [--defaults]`: this build's
// client-credentials path against another build's (say a clone of an older commit, built with
// `npm ci && npm run build`), in one run: both systems on free ports with the same runtime
// settings (RUNTIME_ENV, or V8's and glibc's defaults with --defaults), a bare oidc-provider
// beside them, each warmed alike, then rounds of 3000 tokens at concurrency 16 taking turns.
// Prints each one's median requests per second and server CPU per token, and the medians of
// the round-by-round ratios: the machine's speed moves between rounds, rarely within one.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBareProvider } from './bench/bare-provider-process.mjs';
import { runLoad } from './bench/http-load.mjs';
import {
  cpuSecondsOf,
  M2M_AUTHORIZATION,
  RUNTIME_ENV,
  startSystem,
} from './lib/system-process.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '15' },
    defaults: { type: 'boolean', default: false },
  },
});
const usage = 'usage: node scripts/compare-builds.mjs <other checkout> [--rounds N] [--defaults]';
const ROUNDS = Number(args.rounds);
const other = positionals.length === 1 ? resolve(positionals[0]) : undefined;
if (!other || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(usage);
  process.exit(2);
}
for (const checkout of [process.cwd(), other]) {
  if (!existsSync(join(checkout, 'dist/main.js'))) {
    console.error(`${checkout} has no dist/main.js: build it first (npm ci && npm run build)`);
    process.exit(2);
  }
}
const runtime = args.defaults ? {} : RUNTIME_ENV;
const clientCredentials = () => ({
  method: 'POST',
  path: '/connect/token',
  headers: {
    authorization: M2M_AUTHORIZATION,
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'grant_type=client_credentials&scope=api',
});
const load = (origin) => runLoad(origin, clientCredentials, { requests: 3000, concurrency: 16 });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function system(name, checkout) {
  const { urls, pid, stop } = await startSystem({ prefix: 'compare-', runtime, cwd: checkout });
  return { name, origin: urls.auth, pid, stop };
}

const servers = [];
const results = {
  this: { rps: [], cpuUs: [] },
  other: { rps: [], cpuUs: [] },
  bare: { rps: [], cpuUs: [] },
};
try {
  // One after another, and inside the try: a build that fails to start stops those before it.
  servers.push(await system('this', process.cwd()));
  servers.push(await system('other', other));
  const bare = await startBareProvider({ resource: 'http://localhost:5000', env: runtime });
  servers.push({ name: 'bare', origin: bare.issuer, pid: bare.pid, stop: bare.stop });
  for (let i = 0; i < 6; i++) for (const s of servers) await load(s.origin);
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order too, so that no server always follows the same one.
    for (const s of round % 2 ? servers : [...servers].reverse()) {
      const before = cpuSecondsOf(s.pid);
      const { rps } = await load(s.origin);
      results[s.name].rps.push(rps);
      results[s.name].cpuUs.push(((cpuSecondsOf(s.pid) - before) * 1e6) / 3000);
    }
  }
} finally {
  for (const s of servers) await s.stop();
}
const ratio = (a, b, key) =>
  median(results[a][key].map((v, i) => v / results[b][key][i])).toFixed(3);
console.log(
  `${ROUNDS} rounds of 3000 client-credentials tokens at concurrency 16, ${args.defaults ? "V8's defaults" : 'the memory settings (RUNTIME_ENV)'}`,
);
for (const s of servers)
  console.log(
    `${s.name.padEnd(5)} ${median(results[s.name].rps).toFixed(0)} req/s, ${median(results[s.name].cpuUs).toFixed(0)} µs server CPU per token`,
  );
console.log(
  `this/other: ${ratio('this', 'other', 'rps')}× req/s, ${ratio('this', 'other', 'cpuUs')}× CPU per token`,
);
console.log(
  `this/bare: ${ratio('this', 'bare', 'rps')}× req/s; other/bare: ${ratio('other', 'bare', 'rps')}× req/s`,
);
