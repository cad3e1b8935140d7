import { spawn, spawnSync } from 'node:child_process';

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
