import type { IncomingMessage } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordClientAddress } from './client-address';
import { throttledRegistration } from './registration-gate';
import { RegistrationThrottle } from './registration-throttle';
import type { AttemptCount } from '../../storage/attempt-counters';

describe('throttledRegistration', () => {
  function registration() {
    const headers = new Map<string, string>();
    const req = { socket: { remoteAddress: '10.0.0.1' } } as unknown as IncomingMessage;
    recordClientAddress(req, '203.0.113.9');
    const ctx = { req, set: (name: string, value: string) => headers.set(name, value) };
    return { ctx: ctx as unknown as KoaContextWithOIDC, headers };
  }
  const gate = (countAttempt: () => Promise<AttemptCount>, keys: string[] = []) =>
    throttledRegistration(
      new RegistrationThrottle(
        {
          countAttempt: (key) => {
            keys.push(key);
            return countAttempt();
          },
        },
        1,
        60,
      ),
    );

  it('counts the registration under the address Fastify decided, and lets it through', async () => {
    const keys: string[] = [];
    const { ctx } = registration();
    const allowed = gate(() => Promise.resolve({ count: 1, firstAt: Date.now() }), keys);
    await expect(allowed(ctx)).resolves.toBe(true);
    expect(keys).toEqual(['registration:203.0.113.9']);
  });

  it('refuses past the limit with 429 invalid_request and Retry-After', async () => {
    const { ctx, headers } = registration();
    const over = gate(() => Promise.resolve({ count: 2, firstAt: Date.now() }));
    await expect(over(ctx)).rejects.toMatchObject({ status: 429, error: 'invalid_request' });
    expect(headers.get('retry-after')).toBe('60');
  });

  it('refuses with 503 temporarily_unavailable when the store cannot count', async () => {
    const { ctx, headers } = registration();
    const down = gate(() => Promise.reject(new Error('connection refused')));
    await expect(down(ctx)).rejects.toMatchObject({
      status: 503,
      error: 'temporarily_unavailable',
      expose: true,
    });
    expect(headers.get('retry-after')).toBe('5');
  });
});
