import { startTestSystem, TestSystem } from '../support/system';
import { answer, authorizeUrl, form } from './attack';

/** A resource indicator that made `/\/+$/` backtrack for seconds (ReDoS). */
const slashRun = (slashes: number) => `http://a/${'/'.repeat(slashes)}x`;
/** Well above anything these requests need; a backtracking regex took 2.4 s on 55,000. */
const BOUND_MS = 1000;

describe('request input limits', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
  });
  afterAll(() => sys?.close());

  const par = (body: Record<string, string>) =>
    answer(`${sys.urls.issuer}/request`, form({ client_id: 'interactive', ...body }));

  it.each([
    [
      'a 3,000-slash resource in the authorization URL (9 KB encoded)',
      () => answer(authorizeUrl(sys, { client_id: 'interactive', resource: slashRun(3000) })),
      414,
      'invalid_request',
    ],
    [
      'a 2,100-slash resource in the authorization URL',
      () => answer(authorizeUrl(sys, { client_id: 'interactive', resource: slashRun(2100) })),
      400,
      'invalid_request',
    ],
    [
      'a 3,000-character state',
      () => answer(authorizeUrl(sys, { client_id: 'interactive', state: 's'.repeat(3000) })),
      400,
      'invalid_request',
    ],
    [
      'a 2,000-slash resource in a pushed authorization request',
      () =>
        par({
          response_type: 'code',
          redirect_uri: `${sys.urls.spa}/signin-oidc`,
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
          resource: slashRun(2000),
        }),
      400,
      'invalid_target',
    ],
    [
      'a 55,000-slash resource in a pushed authorization request body',
      () => par({ resource: slashRun(55_000) }),
      413,
      'invalid_request',
    ],
    [
      'a 55,000-slash resource at the token endpoint',
      () =>
        answer(
          `${sys.urls.issuer}/connect/token`,
          form({
            grant_type: 'client_credentials',
            client_id: 'interactive',
            resource: slashRun(55_000),
          }),
        ),
      413,
      'invalid_request',
    ],
  ])('%s is refused quickly', async (_case, send, status, error) => {
    const health = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return answer(`${sys.urls.api}/health`);
    })();
    const result = await send();
    expect({ status: result.status, error: result.error }).toEqual({ status, error });
    expect(result.ms).toBeLessThan(BOUND_MS);
    // The other roles share the event loop: they must not have been stalled.
    const healthy = await health;
    expect(healthy.status).toBe(200);
    expect(healthy.ms).toBeLessThan(BOUND_MS);
  });
});
