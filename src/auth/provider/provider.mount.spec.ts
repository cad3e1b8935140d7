import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';
import { clientAddress } from './client-address';
import { oidcProviderPlugin } from './provider.mount';
import { REQUEST_LIMITS } from '../catalog/request-limits';
import { ROUTES } from '../../config/protocol';

/** A stand-in for oidc-provider: whatever reaches it answers 201 with the client address. */
const provider = {
  callback: () => (request: IncomingMessage, response: ServerResponse) => {
    response.statusCode = 201;
    response.end(clientAddress(request));
  },
} as unknown as Provider;

describe('oidcProviderPlugin', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = Fastify({ trustProxy: ['10.0.0.1'] });
    await app.register(oidcProviderPlugin(provider, [ROUTES.registration, ROUTES.token]));
  });
  afterEach(() => app.close());

  it('hands oidc-provider the client address as the proxy settings decide it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: ROUTES.registration,
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.body).toBe('203.0.113.9');
  });

  it('answers an oversized request itself, before oidc-provider reads it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `${ROUTES.token}?state=${'a'.repeat(REQUEST_LIMITS.parameterLength + 1)}`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
