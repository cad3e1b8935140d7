// Runs one test file again and again, the way a flake is caught: `npm run test:repeat -- <file> [n]`
// (default 10). Each run's output goes to test-output/repeat/<n>.log; the first failing run stops
// the loop and its log is printed. Exit code 0 only when every run passed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [file, count = '10'] = process.argv.slice(2);
const runs = Number(count);
if (!file || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: npm run test:repeat -- <test file> [runs]\n');
  process.exit(2);
}
const dir = join('test-output', 'repeat');
mkdirSync(dir, { recursive: true });
const jest = join('node_modules', 'jest', 'bin', 'jest.js');
for (let run = 1; run <= runs; run += 1) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [jest, '--runInBand', file], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 256 * 1024 * 1024,
  });
  const log = join(dir, `${run}.log`);
  writeFileSync(log, `${result.stdout}${result.stderr}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`${result.stdout}${result.stderr}\n`);
    process.stdout.write(`run ${run} of ${runs} FAILED after ${seconds} s (log: ${log})\n`);
    process.exit(1);
  }
  process.stdout.write(`run ${run} of ${runs} passed in ${seconds} s\n`);
}
process.stdout.write(`${runs} passed, 0 failed\n`);
