// `node scripts/test-lanes.mjs <lane> <lane> ...`: runs every lane at once, each in its own Jest
// process in band. A lane is a Jest project, or several joined by commas, which that one process
// runs one suite after another (jest.config.js says which suites may share the machine this way).
// Every line a lane prints starts with its name, so interleaved output still reads per suite; a
// lane that fails does not stop the others, and the exit code is 0 only when every lane passed.
// Extra Jest arguments follow `--`.
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

function run(lane) {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      jest,
      '--selectProjects',
      ...lane.split(','),
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
    child.once('error', (error) => resolve({ lane, code: 1, error, seconds: seconds() }));
    child.once('close', (code, signal) =>
      resolve({ lane, code: code ?? 1, signal, seconds: seconds() }),
    );
  });
}

const results = await Promise.all(lanes.map(run));
for (const { lane, code, signal, error, seconds } of results) {
  const how = code === 0 ? 'passed' : `FAILED (${error?.message ?? signal ?? `exit ${code}`})`;
  console.log(`lane ${lane}: ${how} in ${seconds} s`);
}
process.exit(results.every(({ code }) => code === 0) ? 0 : 1);
