import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS } from '../../src/storage/revocation-list';
import { weatherApisFile } from './apis-file';
import { codeFlow, type TokenResponse } from './flows';
import { decodeJwt } from './pkce';
import { startTestSystem, type TestSystem } from './system';

const DAY = 86_400;

/**
 * The AuthServer and the API, whose tokens live a day (APIS_FILE `tokenTtlSeconds`), far longer
 * than ACCESS_TOKEN_TTL: what a revoked grant's entry on the revocation list must outlive.
 */
export function startDayLongTokenSystem(): Promise<TestSystem> {
  return startTestSystem({
    env: (ports) => ({
      ROLES: 'auth,api',
      APIS_FILE: weatherApisFile(ports, { tokenTtlSeconds: DAY }),
    }),
  });
}

/** Alice's tokens, with the API token's expiry and grant, which must be a day away. */
export async function dayLongTokens(
  sys: TestSystem,
): Promise<{ tokens: TokenResponse; exp: number; gid: string }> {
  const tokens = await codeFlow(sys);
  const { exp, gid } = decodeJwt(tokens.access_token).payload as { exp: number; gid: string };
  expect(exp - Date.now() / 1000).toBeGreaterThan(DAY - 60);
  return { tokens, exp, gid };
}

/** The revoked grant `gid` stays listed past `exp`, plus the resource servers' clock tolerance. */
export async function expectListedPast(sys: TestSystem, gid: string, exp: number): Promise<void> {
  const entry = (await sys.system.store!.liveRevocations()).find(
    (r) => r.kind === 'grant' && r.id === gid,
  );
  expect(entry?.expiresAt).toBeGreaterThan((exp + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS) * 1000);
}
