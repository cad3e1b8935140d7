import { getWeather } from './support/flows';
import { codeSource, raceTokenRequests } from './support/races';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { describeWithPostgres } from './support/postgres-available';
import { startTestSystem, type TestSystem } from './support/system';

const GRACE_SECONDS = 2;

/**
 * Refresh rotation with a reuse window (RFC 9700 §4.14.2): two requests with one refresh token
 * at two replicas at once both succeed with the same successor (one family); reuse after the
 * window revokes the grant.
 */
describeWithPostgres('refresh tokens at two AuthServers sharing PostgreSQL', () => {
  let db: TestDatabase;
  let first: TestSystem;
  let second: TestSystem;
  let replicas: string[] = [];

  beforeAll(async () => {
    db = (await createTestDatabase())!;
    const env = { DATABASE_URL: db.url, REFRESH_TOKEN_REUSE_GRACE: String(GRACE_SECONDS) };
    first = await startTestSystem({ env: { ...env, ROLES: 'auth,api' } });
    second = await startTestSystem({
      // Port 0: the OS picks a free port as the replica binds, so none is chosen and freed first.
      env: { ...first.env, ...env, ROLES: 'auth', AUTH_PORT: '0' },
    });
    replicas = [first.urls.issuer, second.system.listening.get('auth')!];
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await db?.drop();
  });

  async function refreshTokenAndAccessToken() {
    const { params } = await codeSource(
      first.urls.issuer,
      first.urls.spa,
      first.urls.api,
    )('openid weatherget offline_access');
    const [issued] = await raceTokenRequests([first.urls.issuer], params);
    return { refreshToken: issued!.body.refresh_token!, accessToken: issued!.body.access_token! };
  }

  const refresh = (refreshToken: string, at = replicas) =>
    raceTokenRequests(at, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'interactive',
    });

  it('answers a parallel refresh at both replicas with one successor, ten times over', async () => {
    for (let round = 0; round < 10; round++) {
      const { refreshToken } = await refreshTokenAndAccessToken();
      const results = await refresh(refreshToken);

      expect(
        results.map((r) => [
          r.status,
          r.body.error,
          (r.body as { error_description?: string }).error_description,
        ]),
      ).toEqual([
        [200, undefined, undefined],
        [200, undefined, undefined],
      ]);
      const successors = new Set(results.map((r) => r.body.refresh_token));
      expect(successors.size).toBe(1);
      expect(successors.has(refreshToken)).toBe(false);
      // Two access tokens, both good.
      expect(results[0]!.body.access_token).not.toBe(results[1]!.body.access_token);
    }
  }, 120_000);

  it('stores one successor for eight parallel refreshes of one token at both replicas', async () => {
    for (let round = 0; round < 3; round++) {
      const { refreshToken } = await refreshTokenAndAccessToken();
      const results = await refresh(refreshToken, [
        ...replicas,
        ...replicas,
        ...replicas,
        ...replicas,
      ]);

      expect(results.map((r) => [r.status, r.body.error])).toEqual(
        Array.from({ length: 8 }, () => [200, undefined]),
      );
      const successors = new Set(results.map((r) => r.body.refresh_token));
      expect(successors.size).toBe(1);
      const [successor] = successors;
      // The store holds the one successor on the used token, and that one is unused.
      expect(await first.system.store!.consumption('RefreshToken', refreshToken)).toMatchObject({
        successorId: successor,
      });
      expect(await first.system.store!.consumption('RefreshToken', successor!)).toBeUndefined();
    }
  }, 120_000);

  it('revokes the grant when the used token comes back after the window', async () => {
    const { refreshToken, accessToken } = await refreshTokenAndAccessToken();
    const [rotated] = await refresh(refreshToken, [replicas[0]!]);
    const successor = rotated!.body.refresh_token!;
    expect((await getWeather(first, accessToken)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 1) * 1000));
    const [reused] = await refresh(refreshToken, [replicas[1]!]);
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    // The whole family is gone: the successor and every access token of the grant.
    const [afterRevocation] = await refresh(successor, [replicas[0]!]);
    expect(afterRevocation).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await getWeather(first, accessToken)).status).toBe(401);
    expect((await getWeather(first, rotated!.body.access_token)).status).toBe(401);
  }, 60_000);
});

/**
 * A refresh whose request died after consuming the token (a crash between the store's write
 * and the reply) left its client holding that token and no successor. Inside the window the
 * token works once more, and the family stays one.
 */
describe('a refresh token consumed by a request that never answered', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth', REFRESH_TOKEN_REUSE_GRACE: '30' } });
  });
  afterAll(() => sys?.close());

  it('is given back: one new successor, the same one for a second try', async () => {
    const { params } = await codeSource(
      sys.urls.issuer,
      sys.urls.spa,
      sys.urls.api,
    )('openid offline_access');
    const [issued] = await raceTokenRequests([sys.urls.issuer], params);
    const refreshToken = issued!.body.refresh_token!;
    // What the dead request did: consume, and nothing more.
    expect(await sys.system.store!.consume('RefreshToken', refreshToken)).toBe(true);

    const refresh = () =>
      raceTokenRequests([sys.urls.issuer, sys.urls.issuer], {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'interactive',
      });
    const first = await refresh();
    expect(first.map((r) => r.status)).toEqual([200, 200]);
    const successors = new Set(first.map((r) => r.body.refresh_token));
    expect(successors.size).toBe(1);
    expect(successors.has(refreshToken)).toBe(false);

    const again = await refresh();
    expect(new Set(again.map((r) => r.body.refresh_token))).toEqual(successors);
  }, 30_000);
});
