// `node scripts/test-lanes.mjs <lane> <lane> ...`: runs every lane at once. A lane is a Jest
// project, or several joined by commas, which run one after another, each in band in a Jest
// process of its own (jest.config.js says which suites may share the machine this way). Every line
// a lane prints starts with its name, so interleaved output still reads per suite; a project that
// fails stops neither the projects after it nor the other lanes, and the exit code is 0 only when
// every project passed. Extra Jest arguments follow `--`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const lanes = dashes === -1 ? argv : argv.slice(0, dashes);
const extra = dashes === -1 ? [] : argv.slice(dashes + 1);
if (lanes.length === 0 || lanes.some((lane) => lane.split(',').some((project) => !project))) {
  console.error(
    'usage: node scripts/test-lanes.mjs <jest project>[,<jest project>...]... [-- <jest arguments>]',
  );
  process.exit(2);
}
const jest = fileURLToPath(new URL('../node_modules/jest/bin/jest.js', import.meta.url));
const width = Math.max(...lanes.map((name) => name.length));

function jestRun(lane, project) {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      jest,
      '--selectProjects',
      project,
      '--runInBand',
      ...(process.stdout.isTTY ? ['--colors'] : []),
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const prefix = `[${lane.padEnd(width)}] `;
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
      out.write(`${prefix}${line}\n`),
    );
  }
  const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ project, code: 1, error, seconds: seconds() }));
    child.once('close', (code, signal) =>
      resolve({ project, code: code ?? 1, signal, seconds: seconds() }),
    );
  });
}

async function run(lane) {
  const results = [];
  for (const project of lane.split(',')) results.push(await jestRun(lane, project));
  return results;
}

const results = (await Promise.all(lanes.map(run))).flat();
for (const { project, code, signal, error, seconds } of results) {
  const how = code === 0 ? 'passed' : `FAILED (${error?.message ?? signal ?? `exit ${code}`})`;
  console.log(`${project}: ${how} in ${seconds} s`);
}
process.exit(results.every(({ code }) => code === 0) ? 0 : 1);
