import { createServer, type Server } from 'node:net';

const ATTEMPTS = 5;

/** `count` distinct free loopback ports: every probe is bound at once, then all are released. */
export async function freePorts(count: number): Promise<number[]> {
  const probes = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const probe = createServer();
          probe.once('error', reject);
          probe.listen(0, '127.0.0.1', () => resolve(probe));
        }),
    ),
  );
  const ports = probes.map((probe) => {
    const address = probe.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

/**
 * Starts something whose URLs must be known before it listens (the issuer, resource
 * identifiers, redirect URIs and CORS origins are configuration, read before any role binds),
 * so it cannot simply listen on port 0. A released port can be taken by another process
 * before the role binds it: then `start` fails with EADDRINUSE and runs again on new ports.
 * `start` must clean up after itself when it fails.
 */
export async function onFreePorts<T>(
  count: number,
  start: (ports: number[]) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePorts(count));
    } catch (error) {
      if (attempt >= ATTEMPTS || !addressInUse(error)) throw error;
    }
  }
}

/**
 * EADDRINUSE from a listener in this process, or in a child's stderr carried in a message.
 * Duck-typed: under Jest, errors from Node's core are not instances of the test realm's Error.
 */
function addressInUse(error: unknown): boolean {
  for (let e = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === 'EADDRINUSE' || (typeof message === 'string' && message.includes('EADDRINUSE')))
      return true;
  }
  return false;
}
