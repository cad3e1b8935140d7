import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from './until';

export interface PodmanResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One podman command; resolves with its exit code and output, whatever the code. */
export function podman(
  args: readonly string[],
  { timeoutMs = 60_000, input }: { timeoutMs?: number; input?: string } = {},
): Promise<PodmanResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, { timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}(${signal})` : stderr }),
    );
    child.stdin.end(input ?? '');
  });
}

/** `podman`, failing with its stderr unless it exits 0. */
export async function podmanOk(
  args: readonly string[],
  options?: Parameters<typeof podman>[1],
): Promise<string> {
  const result = await podman(args, options);
  if (result.code !== 0)
    throw new Error(`podman ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Why podman cannot be used here, or undefined when it answers; asked synchronously. `podman
 * version` rather than `podman info`, which sizes the whole store and can take a minute.
 */
function podmanProblem(): string | undefined {
  const probe = spawnSync('podman', ['version', '--format', '{{.Client.Version}}'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.error) {
    const missing = (probe.error as NodeJS.ErrnoException).code === 'ENOENT';
    return missing ? 'podman is not installed' : `podman did not answer: ${probe.error.message}`;
  }
  if (probe.status !== 0) return `podman version failed: ${probe.stderr.trim()}`;
  return undefined;
}

/**
 * `describe` for suites that build and run the image. Without podman the suite is skipped
 * visibly; under CI=true it fails instead, since CI installs podman (.ci/container-base.sh).
 */
export function describeWithPodman(name: string, suite: () => void): void {
  const problem = podmanProblem();
  if (!problem) return describe(name, suite);
  if (process.env.CI) {
    return describe(name, () => {
      it('needs podman', () => {
        throw new Error(`podman is required in CI: ${problem}`);
      });
    });
  }
  process.stderr.write(`SKIPPED "${name}": ${problem}\n`);
  describe.skip(`${name} (SKIPPED: ${problem})`, suite);
}

/** Full IDs of the local images, intermediate ones too, matching `filter` if given. */
export async function imageIds(filter?: string): Promise<Set<string>> {
  const out = await podmanOk([
    'images',
    '--all',
    '--quiet',
    '--no-trunc',
    ...(filter ? ['--filter', filter] : []),
  ]);
  return parseImageIds(out);
}

/** `podman images --quiet --no-trunc` output as a set of bare IDs. */
function parseImageIds(out: string): Set<string> {
  const ids = out.split('\n').map((line) => line.trim().replace(/^sha256:/, ''));
  return new Set(ids.filter((id) => id !== ''));
}

export interface BuiltImage {
  /** The image's ID, which no other build's tag can move. */
  readonly id: string;
  readonly tag: string;
  /** The images there were before the build: its clean-up leaves them alone. */
  readonly imagesBefore: ReadonlySet<string>;
  readonly buildSeconds: number;
}

const BUILD_SCRIPT = join(__dirname, '..', '..', 'scripts', 'build-image.mjs');

/**
 * The project's image, built by scripts/build-image.mjs: awaited when CI started that build
 * beside its own install (`CONTAINER_IMAGE_BUILD` names its folder), else built now in `scratch`
 * under `tag`. Fails with the end of podman's log when the build failed.
 */
export async function projectImage(scratch: string, tag: string): Promise<BuiltImage> {
  const early = process.env.CONTAINER_IMAGE_BUILD;
  const folder = early ?? join(scratch, 'build');
  const read = (name: string) =>
    existsSync(join(folder, name)) ? readFileSync(join(folder, name), 'utf8') : '';
  let scriptErrors = '';
  if (early) {
    // As long as a build run here may take (below), and a few minutes for CI's head start.
    await until(`the image build in ${folder}`, () => read('result.json') || undefined, {
      timeoutMs: 25 * 60_000,
      intervalMs: 1000,
    });
  } else {
    scriptErrors = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        [BUILD_SCRIPT, folder, tag],
        { timeout: 20 * 60_000 },
        (_error, _stdout, stderr) => resolve(stderr),
      ),
    );
  }
  const written = read('result.json');
  const result = written
    ? (JSON.parse(written) as { code: number; seconds: number; tag: string })
    : { code: -1, seconds: 0, tag };
  if (result.code !== 0) {
    const log = `${read('build.log')}${scriptErrors}`;
    throw new Error(`podman build exited ${result.code}:\n${log.slice(-4000)}`);
  }
  return {
    id: read('image-id').trim(),
    tag: result.tag,
    imagesBefore: parseImageIds(read('images-before')),
    buildSeconds: result.seconds,
  };
}

/**
 * Removes the untagged images that appeared since `before` (a build's cached or abandoned
 * layers), and only those: `podman image prune` would also take other checkouts' dangling
 * images, a build of theirs in progress among them. Removing a leaf may leave its parent
 * dangling, hence the passes. Images a container still uses stay (no --force). Returns what
 * podman refused, for the log.
 */
export async function removeDanglingImagesSince(before: ReadonlySet<string>): Promise<string[]> {
  const refused: string[] = [];
  const tried = new Set<string>();
  for (let pass = 0; pass < 50; pass++) {
    const fresh = [...(await imageIds('dangling=true'))].filter(
      (id) => !before.has(id) && !tried.has(id),
    );
    if (fresh.length === 0) break;
    for (const id of fresh) tried.add(id);
    const removed = await podman(['rmi', ...fresh], { timeoutMs: 5 * 60_000 });
    if (removed.code !== 0) refused.push(removed.stderr.trim());
  }
  return refused;
}
