import { decodeJwt } from './support/pkce';
import { codeFlow, getWeather, tokenRequest } from './support/flows';
import { startTestSystem, TestSystem } from './support/system';

describe('authorization code + PKCE, end to end', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api' } });
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

  it('rotates refresh tokens and refuses the used one', async () => {
    const tokens = await codeFlow(sys);
    const first = await tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: 'interactive',
    });
    expect(first.status).toBe(200);
    const refreshed = (await first.json()) as { refresh_token: string; access_token: string };
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const replay = await tokenRequest(sys, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: 'interactive',
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
