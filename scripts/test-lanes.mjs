// `node scripts/test-lanes.mjs <lane> <lane> ...`: runs every lane at once. A lane is one or more
// steps joined by commas, run one after another: a Jest project, run in band in a Jest process of
// its own (jest.config.js says which suites may share the machine this way), or `npm:<script>`,
// an npm script. Every line a step prints starts with its name, so interleaved output still reads
// per suite; a step that fails stops neither the steps after it nor the other lanes, and the exit
// code is 0 only when every step passed. Extra Jest arguments follow `--`.
//
// A step written `+<name>` keeps the normal CPU priority and every other step runs at nice 10
// (with what it spawns): suites that bound response times would otherwise read a busy machine
// as a slow server, since two cores shared by three lanes leave any one of them a fraction.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { prefixOutput } from './lib/child-output.mjs';

const nameOf = (step) => (step.startsWith('+') ? step.slice(1) : step);
const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const lanes = dashes === -1 ? argv : argv.slice(0, dashes);
const extra = dashes === -1 ? [] : argv.slice(dashes + 1);
if (lanes.length === 0 || lanes.some((lane) => lane.split(',').some((step) => !nameOf(step)))) {
  console.error(
    'usage: node scripts/test-lanes.mjs <step>[,<step>...]... [-- <jest arguments>], a step being a jest project or npm:<script>, +<step> to keep the normal CPU priority',
  );
  process.exit(2);
}
const jest = fileURLToPath(new URL('../node_modules/jest/bin/jest.js', import.meta.url));
const BACKGROUND_NICENESS = 10;
const width = Math.max(
  ...lanes.flatMap((lane) => lane.split(',')).map((step) => nameOf(step).length),
);

function runStep(written) {
  const step = nameOf(written);
  const started = Date.now();
  const script = step.startsWith('npm:') ? step.slice('npm:'.length) : undefined;
  const [command, args] = script
    ? ['npm', ['run', script]]
    : [
        process.execPath,
        [
          jest,
          '--selectProjects',
          step,
          '--runInBand',
          ...(process.stdout.isTTY ? ['--colors'] : []),
          ...extra,
        ],
      ];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Set before the child has started anything of its own, so all it spawns inherits it.
  if (written === step && child.pid !== undefined) setPriority(child.pid, BACKGROUND_NICENESS);
  prefixOutput(child, `[${step.padEnd(width)}] `);
  const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ step, code: 1, error, seconds: seconds() }));
    child.once('close', (code, signal) =>
      resolve({ step, code: code ?? 1, signal, seconds: seconds() }),
    );
  });
}

async function run(lane) {
  const results = [];
  for (const step of lane.split(',')) results.push(await runStep(step));
  return results;
}

const results = (await Promise.all(lanes.map(run))).flat();
for (const { step, code, signal, error, seconds } of results) {
  const how = code === 0 ? 'passed' : `FAILED (${error?.message ?? signal ?? `exit ${code}`})`;
  console.log(`${step}: ${how} in ${seconds} s`);
}
process.exit(results.every(({ code }) => code === 0) ? 0 : 1);
