// bare-provider.mjs in a process of its own, for the bench and compare-builds: started on a free
// port and waited for until it says it is ready.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, stopChild } from '../lib/system-process.mjs';

const SCRIPT = fileURLToPath(new URL('./bare-provider.mjs', import.meta.url));

/**
 * oidc-provider alone in memory, issuing for `resource`, with `chains` refresh chains begun (their
 * starting tokens in `refreshTokens`); `env` goes before the caller's own environment.
 */
export async function startBareProvider({ resource, chains = 0, env = {} }) {
  const port = await freePort();
  const child = spawn(process.execPath, [SCRIPT, String(port), resource, String(chains)], {
    env: { ...env, ...process.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => stopChild(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((_, reject) =>
    child.once('exit', () => reject(new Error('bare provider exited'))),
  );
  exited.catch(() => {});
  const nextLine = () => Promise.race([lines.next(), exited]).then((line) => line.value);
  try {
    if ((await nextLine()) !== 'ready') throw new Error('bare provider did not say ready');
    const { refreshTokens } = JSON.parse(await nextLine());
    return { issuer: `http://localhost:${port}`, pid: child.pid, refreshTokens, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
