// `node scripts/build-image.mjs <folder> <tag>`: builds the project's image from this checkout with
// podman, as README "Containers" shows operators, and records the outcome in <folder> for
// test/container.e2e-spec.ts, which runs the roles from it:
//   images-before  the image IDs there were before the build (the suite removes only what is new)
//   build.log      podman's output
//   image-id       the built image's ID (podman's --iidfile), on success
//   result.json    { "code": <exit code>, "seconds": <duration>, "tag": <tag> }, written last and
//                  atomically
//   install-cache-error  why a stage below could not be tagged, if one could not
// The build needs only the checkout and the base image (its own `npm ci` runs inside), so CI
// starts it before its own install and takes what the rest leaves idle, and the
// suite waits for result.json (CONTAINER_IMAGE_BUILD=<folder>). Without that variable the suite
// runs this script itself. Exits with podman's code.
//
// After a successful build the Dockerfile's stages that depend on the package files alone are
// tagged (INSTALL_CACHE: `prod-deps`, which holds `deps` below it, the toolchain and `npm ci`, and
// `runtime-deps`, the runtime image below the application), which keeps their layers as podman's
// build cache: the next build reuses them while the Dockerfile's first lines and the package
// files are unchanged, and installs from scratch when either changed. The ones they replace are
// removed, so the machine keeps one of each. Everything else a build leaves is untagged and
// removed by its user.
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

const INSTALL_CACHE = [
  { target: 'prod-deps', tag: 'localhost/api-mcp-auth-build-cache:deps' },
  { target: 'runtime-deps', tag: 'localhost/api-mcp-auth-build-cache:runtime-deps' },
];
const log = openSync(join(folder, 'build.log'), 'w');
const started = Date.now();
const buildArgs = [
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
];
const build = spawn(
  'podman',
  [
    ...buildArgs,
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

const imageIdOf = (name) => {
  try {
    return execFileSync('podman', ['image', 'inspect', '--format', '{{.Id}}', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .replace(/^sha256:/, '');
  } catch {
    return '';
  }
};

/** Untagged images no other image builds on. */
const danglingImages = () =>
  new Set(
    execFileSync(
      'podman',
      ['images', '--all', '--quiet', '--no-trunc', '--filter', 'dangling=true'],
      {
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter(Boolean)
      .map((id) => id.replace(/^sha256:/, '')),
  );

/**
 * Tags this build's INSTALL_CACHE stages (every layer of them is in podman's cache by now, so
 * these builds only tag) and removes the image each tag named before, with its untagged parents
 * (`podman rmi` prunes those), unless it is the same. A failure here costs the next build its
 * cache, never this build its result: it is logged and ignored.
 */
function keepInstallLayers() {
  for (const { target, tag: cacheTag } of INSTALL_CACHE) {
    const previous = imageIdOf(cacheTag);
    try {
      execFileSync('podman', [...buildArgs, '--target', target, '--tag', cacheTag, repo], {
        stdio: ['ignore', log, log],
      });
      // Only when nothing builds on it any more: podman removes an image with children too,
      // and with it the cache of a tag whose stage grew a layer on top of the old one.
      if (previous && previous !== imageIdOf(cacheTag) && danglingImages().has(previous))
        execFileSync('podman', ['rmi', '--ignore', previous], { stdio: ['ignore', log, log] });
    } catch (error) {
      writeFileSync(join(folder, 'install-cache-error'), `${target}: ${error.message}\n`, {
        flag: 'a',
      });
    }
  }
}

function finish(outcome) {
  const result = { ...outcome, tag };
  const partial = join(folder, 'result.json.partial');
  writeFileSync(partial, `${JSON.stringify(result)}\n`);
  renameSync(partial, join(folder, 'result.json'));
  process.exit(result.code);
}
const seconds = () => (Date.now() - started) / 1000;
build.once('error', (error) => finish({ code: 127, error: error.message, seconds: seconds() }));
build.once('close', (code, signal) => {
  const outcome = { code: code ?? 1, signal, seconds: seconds() };
  if (outcome.code === 0) keepInstallLayers();
  finish(outcome);
});
