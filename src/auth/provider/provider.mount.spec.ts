import Fastify, { type FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';
import { oidcProviderPlugin } from './provider.mount';
import { RegistrationThrottle } from './registration-throttle';
import { ROUTES } from './routes';

/** A stand-in for oidc-provider: whatever reaches it answers 201. */
const provider = {
  callback: () => (_request: unknown, response: { statusCode: number; end(): void }) => {
    response.statusCode = 201;
    response.end();
  },
} as unknown as Provider;

describe('oidcProviderPlugin', () => {
  let app: FastifyInstance;
  afterEach(() => app.close());

  async function mount(countAttempt: () => Promise<{ count: number; firstAt: number }>) {
    app = Fastify();
    await app.register(
      oidcProviderPlugin(provider, [ROUTES.registration, ROUTES.token], {
        registrationThrottle: new RegistrationThrottle({ countAttempt }, 1, 60),
      }),
    );
    return app;
  }

  it('refuses a registration with 503 when the store cannot count it, and serves the rest', async () => {
    const down = await mount(() => Promise.reject(new Error('connection refused')));

    const registration = await down.inject({ method: 'POST', url: ROUTES.registration });
    expect(registration.statusCode).toBe(503);
    expect(registration.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(registration.headers['retry-after']).toBe('5');
    expect((await down.inject({ method: 'POST', url: ROUTES.token })).statusCode).toBe(201);
  });

  it('passes registrations under the limit to oidc-provider and answers 429 past it', async () => {
    let count = 0;
    const counted = await mount(() => Promise.resolve({ count: ++count, firstAt: Date.now() }));

    expect((await counted.inject({ method: 'POST', url: ROUTES.registration })).statusCode).toBe(
      201,
    );
    const refused = await counted.inject({ method: 'POST', url: ROUTES.registration });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
  });
});
