// `npm run soak [-- --minutes N] [--store sqlite|postgres] [--rate R] [--out DIR] [--requests FILE]`:
// hours, not minutes. Starts the system as the bench does and runs the mixed load of scripts/soak/mix.mjs
// at R operations a second, with one signing-key rotation half-way, sampling the server's own
// gauges every few seconds. Prints each goal with its figures, writes DIR/soak-latest.json and
// DIR/soak-latest.svg (default bench/results), and exits 1 when a goal fails, 2 when the run
// itself could not be made.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Mix, MIX } from './soak/mix.mjs';
import { judge, plot, tailName } from './soak/report.mjs';
import { sample } from './soak/sampler.mjs';
import { startSystem } from './soak/system.mjs';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    store: { type: 'string', default: 'sqlite' },
    rate: { type: 'string', default: '30' },
    workers: { type: 'string', default: '8' },
    users: { type: 'string', default: '8' },
    out: { type: 'string', default: 'bench/results' },
    // Every request (seconds since the start, route, status, ms) as JSON, to find when the
    // slowest answers came; the results file keeps only the figures.
    requests: { type: 'string' },
  },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
if (!(minutes > 0) || !(rate > 0) || !['sqlite', 'postgres'].includes(args.store)) {
  console.error(
    'usage: npm run soak -- [--minutes N] [--store sqlite|postgres] [--rate ops/s] [--workers N] [--users N] [--out DIR] [--requests FILE]',
  );
  process.exit(2);
}
const durationS = minutes * 60;
// Two minutes of a ten-minute run, the same share of a shorter one, never more than two.
const warmupS = Math.min(120, durationS * 0.2);
// About 120 samples per run, never more often than every 2 s nor less than every 10 s.
const sampleEveryS = Math.min(10, Math.max(2, durationS / 120));
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** Soak users beside alice and bob, added with the operator's CLI as a deployment would. */
async function addUsers(env, count) {
  const users = [
    { name: 'alice', password: 'alice' },
    { name: 'bob', password: 'bob' },
  ];
  for (let i = 1; i <= count; i++) {
    const user = { name: `soak${i}`, password: `Correct-Horse-Battery-${i}-Staple` };
    await admin(env, ['users', 'add', user.name], `${user.password}\n${user.password}\n`);
    users.push(user);
  }
  return users;
}

function admin(env, argv, stdin = '') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/admin.mjs', ...argv], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.end(stdin);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`admin ${argv.join(' ')} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

async function soak() {
  const system = await startSystem({ store: args.store });
  const samples = [];
  const events = [];
  let mix;
  try {
    const users = await addUsers(system.env, Number(args.users));
    const startedAt = performance.now();
    const now = () => (performance.now() - startedAt) / 1000;
    mix = new Mix(system.urls, users, startedAt);
    await mix.prime();

    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          samples.push(await sample(system, startedAt));
        } catch (error) {
          events.push({ t: now(), event: `sample failed: ${error.message}` });
        }
        await delay(sampleEveryS * 1000);
      }
    })();
    const rotation = (async () => {
      await delay((durationS / 2) * 1000);
      try {
        await admin(system.env, ['keys', 'rotate']);
        events.push({ t: now(), event: 'signing key rotated' });
      } catch (error) {
        mix.unexpected.push(`key rotation: ${error.message}`);
      }
    })();

    // Operations start on a fixed schedule (R a second) so the load does not follow the
    // server's speed; a worker that falls behind starts its next one at once.
    let scheduled = 0;
    const operations = {};
    await Promise.all(
      Array.from({ length: Number(args.workers) }, async () => {
        for (;;) {
          const due = (scheduled++ / rate) * 1000;
          if (due / 1000 >= durationS) return;
          const wait = due - (performance.now() - startedAt);
          if (wait > 0) await delay(wait);
          const name = mix.pick();
          operations[name] = (operations[name] ?? 0) + 1;
          await mix.run(name);
        }
      }),
    );
    await rotation;
    sampling = false;
    await sampler;
    samples.push(await sample(system, startedAt));
    const endS = now();
    const writes = await mix.verifyWrites();
    const exited = system.exitedWith();
    if (exited !== undefined) mix.unexpected.push(`the server exited (${exited})`);
    return { samples, events, endS, operations, writes, mix, database: system.database };
  } finally {
    await system.stop();
  }
}

const run = await soak().catch((error) => {
  console.error(`soak: the run could not be made: ${error.stack ?? error}`);
  process.exit(2);
});
const { samples, events, endS, operations, writes, mix, database } = run;
if (args.requests) writeFileSync(args.requests, JSON.stringify(mix.requests));
const verdict = judge({
  samples,
  requests: mix.requests,
  warmupS,
  endS,
  lost: writes.lost,
  unexpected: mix.unexpected,
});
const machine = `${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}`;

console.log(
  `\nsoak on ${args.store}: ${minutes} min at ${rate} operations/s (${mix.requests.length} requests), warm-up ${warmupS.toFixed(0)} s; ${machine}`,
);
if (database)
  console.log(
    `PostgreSQL: ${database.version.split(' on ')[0]}, autovacuum ${database.autovacuum ? 'on' : 'OFF'}`,
  );
if (database && !database.autovacuum) {
  console.log(
    'warning: autovacuum is off on this server; dead row versions pile up in the grant records and a long run slows down (README "Soak")',
  );
}
console.log(
  `operations: ${Object.entries(operations)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(
  `checked at the end: ${writes.chainsChecked} refresh chains, ${writes.revocationsChecked} revocations; ${mix.registered} registrations`,
);
for (const e of events) console.log(`at ${e.t.toFixed(0)} s: ${e.event}`);
console.log(
  '\n| route | answers (first/last third) | p50 | p90 | judged tail | change |\n|---|---|---|---|---|---|',
);
const ms = ([first, last]) => `${first.toFixed(1)} → ${last.toFixed(1)} ms`;
for (const r of verdict.routes.sort((a, b) => b.n[0] - a.n[0])) {
  const tail = `${tailName(r.tail)} ${ms([r.tailFirst, r.tailLast])}`;
  console.log(
    `| ${r.route} | ${r.n.join('/')} | ${ms(r.p50)} | ${ms(r.p90)} | ${tail} | ${(r.change * 100).toFixed(0)} %${r.judged ? '' : ' (too few to judge)'} |`,
  );
}
console.log('\n| goal | figure | result |\n|---|---|---|');
for (const g of verdict.goals)
  console.log(`| ${g.goal} | ${g.figure} | ${g.pass ? 'pass' : 'FAIL'} |`);

mkdirSync(args.out, { recursive: true });
const title = `soak on ${args.store}, ${minutes} min at ${rate} ops/s`;
writeFileSync(join(args.out, 'soak-latest.svg'), plot(samples, { warmupS, title }));
writeFileSync(
  join(args.out, 'soak-latest.json'),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine,
      store: args.store,
      ...(database ? { database } : {}),
      minutes,
      rate,
      warmupS,
      mix: MIX,
      operations,
      requests: mix.requests.length,
      writes,
      registrations: mix.registered,
      unexpected: mix.unexpected,
      events,
      goals: verdict.goals,
      routes: verdict.routes,
      samples,
    },
    null,
    2,
  ) + '\n',
);
const failed = verdict.goals.filter((g) => !g.pass);
if (failed.length) {
  console.log(`\nsoak FAILED: ${failed.map((g) => `${g.goal} (${g.figure})`).join('; ')}`);
  process.exitCode = 1;
} else {
  console.log('\nsoak passed every goal');
}
