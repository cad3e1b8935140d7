// `node scripts/build-image.mjs <folder> <tag>`: builds the project's image from this checkout with
// podman, as README "Containers" shows operators, and records the outcome in <folder> for
// test/container.e2e-spec.ts, which runs the roles from it:
//   images-before  the image IDs there were before the build (the suite removes only what is new)
//   build.log      podman's output
//   image-id       the built image's ID (podman's --iidfile), on success
//   result.json    { "code": <exit code>, "seconds": <duration>, "tag": <tag> }, written last and
//                  atomically
// The build needs only the checkout and the base image (its own `npm ci` runs inside), so CI
// starts it before its own install, whose native compile and lint leave a core idle, and the
// suite waits for result.json (CONTAINER_IMAGE_BUILD=<folder>). Without that variable the suite
// runs this script itself. Exits with podman's code.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [folder, tag] = process.argv.slice(2);
if (!folder || !tag) {
  console.error('usage: node scripts/build-image.mjs <folder> <tag>');
  process.exit(2);
}
const repo = resolve(import.meta.dirname, '..');
mkdirSync(folder, { recursive: true });

const before = execFileSync('podman', ['images', '--all', '--quiet', '--no-trunc'], {
  encoding: 'utf8',
});
writeFileSync(join(folder, 'images-before'), before);

const log = openSync(join(folder, 'build.log'), 'w');
const started = Date.now();
const build = spawn(
  'podman',
  [
    'build',
    '--network',
    'host',
    // Keeps the Dockerfile's HEALTHCHECK, which podman's default OCI format drops.
    '--format',
    'docker',
    // The locally built base image (.ci/container-base.sh) has no CA bundle of its own.
    '--volume',
    '/etc/ssl/certs:/etc/ssl/certs:ro',
    '--pull=never',
    '--tag',
    tag,
    // Runs and checks use this build's ID, which no other build's tag can move.
    '--iidfile',
    join(folder, 'image-id'),
    repo,
  ],
  { stdio: ['ignore', log, log] },
);
// CI stops a build it no longer needs (its own run failed first): podman ends with it.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => build.kill(signal));

function finish(outcome) {
  const result = { ...outcome, tag };
  const partial = join(folder, 'result.json.partial');
  writeFileSync(partial, `${JSON.stringify(result)}\n`);
  renameSync(partial, join(folder, 'result.json'));
  process.exit(result.code);
}
const seconds = () => (Date.now() - started) / 1000;
build.once('error', (error) => finish({ code: 127, error: error.message, seconds: seconds() }));
build.once('close', (code, signal) => finish({ code: code ?? 1, signal, seconds: seconds() }));
