import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const SPA = join(REPO, 'spa');
/** What `npm run build -w spa` reads: the SPA's sources and config, and the locked packages. */
const INPUTS = [
  join(SPA, 'src'),
  join(SPA, 'public'),
  join(SPA, 'index.html'),
  join(SPA, 'package.json'),
  join(SPA, 'vite.config.ts'),
  join(SPA, 'tsconfig.json'),
  join(SPA, 'tsconfig.app.json'),
  join(SPA, 'tsconfig.node.json'),
  join(REPO, 'package-lock.json'),
];

/** The newest modification time under `path` (a file or a folder), 0 when it is not there. */
function newest(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce(
    (latest, entry) => Math.max(latest, newest(join(path, entry))),
    stats.mtimeMs,
  );
}

/**
 * Makes spa/dist, which the SPA role serves, match the current sources: builds it when it is
 * missing or older than any input, as `make` would. `npm test` has just built it (pretest), so
 * the browser suites reuse that build instead of each spending seconds on the same one; after
 * an edit to the SPA, a suite run on its own still builds first.
 */
export function buildSpaIfStale(): void {
  const built = newest(join(SPA, 'dist', 'index.html'));
  if (built > 0 && INPUTS.every((input) => newest(input) <= built)) return;
  execFileSync('npm', ['run', 'build', '-w', 'spa'], { cwd: REPO, stdio: 'pipe' });
}
