import { createServer, type Server } from 'node:net';
import { freePorts, onFreePorts } from './support/ports';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('test ports', () => {
  it('hands out distinct ports', async () => {
    const ports = await freePorts(8);
    expect(new Set(ports).size).toBe(8);
  });

  it('starts again on new ports when a port was taken before the start bound it', async () => {
    const tried: number[][] = [];
    const started = await onFreePorts(2, async (ports) => {
      tried.push(ports);
      if (tried.length === 1) {
        // Another process takes the port between the choice and the bind.
        const intruder = await listen(ports[0]!);
        try {
          return await listen(ports[0]!);
        } finally {
          await close(intruder);
        }
      }
      return listen(ports[0]!);
    });
    await close(started);
    expect(tried).toHaveLength(2);
    expect(tried[1]).not.toEqual(tried[0]);
  });

  it('does not retry other failures', async () => {
    let attempts = 0;
    await expect(
      onFreePorts(1, () => {
        attempts += 1;
        return Promise.reject(new Error('boot failed'));
      }),
    ).rejects.toThrow('boot failed');
    expect(attempts).toBe(1);
  });
});
