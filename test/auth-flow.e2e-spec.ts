import { decodeJwt } from './support/pkce';
import { codeFlow, getWeather, tokenRequest } from './support/flows';
import { startTestSystem, TestSystem } from './support/system';

describe('authorization code + PKCE, end to end', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    // Consumption is stored in whole seconds, so a 2 s window lasts 1–2 s: wide enough for
    // racing requests, short enough to wait out.
    sys = await startTestSystem({ env: { ROLES: 'auth,api', REFRESH_TOKEN_REUSE_GRACE: '2' } });
  });
  afterAll(() => sys?.close());

  it('lets alice sign in through the SPA client and read the weather', async () => {
    const tokens = await codeFlow(sys);
    const { header, payload } = decodeJwt(tokens.access_token);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: sys.urls.issuer,
      aud: sys.urls.api,
      sub: '818727',
      client_id: 'interactive',
    });
    expect(String(payload.scope).split(' ').sort()).toEqual(['weatherget']);
    expect(tokens.refresh_token).toBeDefined();

    const response = await getWeather(sys, tokens.access_token);
    expect(response.status).toBe(200);
    const forecasts = (await response.json()) as unknown[];
    expect(forecasts).toHaveLength(5);
  });

  const refresh = (token: string) =>
    tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: 'interactive',
    });

  it('rotates refresh tokens; racing refreshes of one token both succeed inside the grace window, with one successor', async () => {
    const tokens = await codeFlow(sys);
    const [a, b] = await Promise.all([
      refresh(tokens.refresh_token!),
      refresh(tokens.refresh_token!),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [ra, rb] = (await Promise.all([a.json(), b.json()])) as { refresh_token: string }[];
    expect(ra!.refresh_token).not.toBe(tokens.refresh_token);
    // One family: the late request gets the successor already issued, not a second chain.
    expect(rb!.refresh_token).toBe(ra!.refresh_token);
  });

  it('treats reuse of a rotated refresh token after the window as theft and revokes the grant', async () => {
    const tokens = await codeFlow(sys);
    const first = await refresh(tokens.refresh_token!);
    expect(first.status).toBe(200);
    const { refresh_token: rotated } = (await first.json()) as { refresh_token: string };

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const replay = await refresh(tokens.refresh_token!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    // RFC 9700 §4.14.2: the whole family goes, including the token the legitimate client holds.
    const family = await refresh(rotated);
    expect(family.status).toBe(400);
  });
});
