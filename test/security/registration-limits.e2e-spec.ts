import { codeFlow } from '../support/flows';
import { startTestSystem, TestSystem } from '../support/system';
import { answer, authorizeUrl, register, registered } from './attack';

const LOOPBACK = 'http://127.0.0.1:4100/cb';

/**
 * Open registration (RFC 7591 §3) must not let one address fill the store with clients: it is
 * rate-limited per address, and clients that never obtain a token expire.
 */
describe('registration limits', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api', REGISTERED_CLIENT_TTL: '5' } });
  });
  afterAll(() => sys?.close());

  it('30 parallel registrations from one address: 20 succeed, 10 get 429 with Retry-After', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        register(sys, { redirect_uris: [LOOPBACK], token_endpoint_auth_method: 'none' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r.error).toBe('invalid_request');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
  });
});

/**
 * oidc-provider's router takes a registration whatever the case of the path and with a trailing
 * slash; the limit counts every request that reaches its registration action, however spelled.
 */
describe('registration limits, whatever the spelling of the endpoint', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth' } });
  });
  afterAll(() => sys?.close());

  const metadata = { redirect_uris: [LOOPBACK], token_endpoint_auth_method: 'none' };
  const routed = [
    '/connect/register',
    '/connect/register/',
    '/CONNECT/REGISTER',
    '/Connect/Register/',
    '/connect/register?x=1',
  ];
  const unrouted = [
    '//connect/register',
    '/connect//register',
    '/connect/regist%65r',
    '/%63onnect/register',
  ];

  it('counts registrations under every spelling against one limit, and registers none past it', async () => {
    const mixed = await Promise.all(
      Array.from({ length: 30 }, (_, i) => register(sys, metadata, routed[i % routed.length])),
    );
    const statuses = mixed.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);

    const late = [];
    for (const path of [...routed, ...unrouted]) {
      late.push({ path, status: (await register(sys, metadata, path)).status });
    }
    expect(late.filter((r) => r.status === 201)).toEqual([]);
    expect(late.filter((r) => routed.includes(r.path) && r.status !== 429)).toEqual([]);
  });
});

describe('registered clients', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api', REGISTERED_CLIENT_TTL: '4' } });
  });
  afterAll(() => sys?.close());

  it('expire when never used within REGISTERED_CLIENT_TTL, and stay once used', async () => {
    const metadata = { redirect_uris: [LOOPBACK], token_endpoint_auth_method: 'none' };
    const [unused, used] = await Promise.all([
      registered(sys, metadata),
      registered(sys, metadata),
    ]);
    await codeFlow(sys, {
      clientId: used.client_id,
      redirectUri: LOOPBACK,
      scope: 'openid weatherget',
    });

    await new Promise((resolve) => setTimeout(resolve, 5000));
    const start = (clientId: string) =>
      answer(authorizeUrl(sys, { client_id: clientId, redirect_uri: LOOPBACK }));

    const expired = await start(unused.client_id);
    expect({ status: expired.status, error: expired.error }).toEqual({
      status: 400,
      error: 'invalid_client',
    });
    expect((await start(used.client_id)).status).toBe(303);
  });
});
