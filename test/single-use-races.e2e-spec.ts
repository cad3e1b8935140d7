import { codeSource, raceTokenRequests } from './support/races';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { describeWithPostgres } from './support/postgres-available';
import { onFreePorts } from './support/ports';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { startTestSystem, type TestSystem } from './support/system';

const RACES = 50;

/**
 * RFC 6749 §4.1.2 / §10.5: an authorization code is used once. The same code POSTed to two
 * AuthServers (or twice to one) at the same instant yields one token response; the other
 * request gets invalid_grant, every time.
 */
async function expectOneWinnerPerRace(
  nextCode: () => ReturnType<ReturnType<typeof codeSource>>,
  replicas: () => string[],
) {
  const tally = { won: 0, invalidGrant: 0, other: [] as string[] };
  for (let race = 0; race < RACES; race++) {
    const { params } = await nextCode();
    const results = await raceTokenRequests(replicas(), params);
    const winners = results.filter((r) => r.status === 200 && r.body.access_token);
    if (winners.length === 1) tally.won++;
    else tally.other.push(`race ${race}: ${results.map((r) => r.status).join(',')}`);
    tally.invalidGrant += results.filter(
      (r) => r.status === 400 && r.body.error === 'invalid_grant',
    ).length;
  }
  expect(tally.other).toEqual([]);
  expect(tally.won).toBe(RACES);
  expect(tally.invalidGrant).toBe(RACES);
}

describeWithPostgres('authorization codes at two AuthServers sharing PostgreSQL', () => {
  let db: TestDatabase;
  let first: TestSystem;
  let second: TestSystem;
  let secondUrl = '';

  beforeAll(async () => {
    db = (await createTestDatabase())!;
    first = await startTestSystem({ env: { ROLES: 'auth', DATABASE_URL: db.url } });
    // The same public issuer, another port: a second replica behind one name.
    second = await startTestSystem({
      env: {
        ...first.env,
        ROLES: 'auth',
        DATABASE_URL: db.url,
        // Port 0: the OS picks a free port as the replica binds, so none is chosen and freed first.
        AUTH_PORT: '0',
      },
    });
    secondUrl = second.system.listening.get('auth')!;
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await db?.drop();
  });

  it(`redeems each code exactly once in ${RACES} races`, async () => {
    const nextCode = codeSource(first.urls.issuer, first.urls.spa, first.urls.api);
    await expectOneWinnerPerRace(nextCode, () => [first.urls.issuer, secondUrl]);
  }, 120_000);
});

describeWithPostgres('authorization codes at two AuthServer processes sharing PostgreSQL', () => {
  let db: TestDatabase;
  const replicas: ServerProcess[] = [];
  const urls = { issuer: '', second: '', spa: '', api: '' };

  beforeAll(async () => {
    db = (await createTestDatabase())!;
    await onFreePorts(4, async ([auth, second, spa, api]) => {
      Object.assign(urls, {
        issuer: `http://localhost:${auth}`,
        second: `http://127.0.0.1:${second}`,
        spa: `http://localhost:${spa}`,
        api: `http://localhost:${api}`,
      });
      // Two OS processes (the built server), one public issuer, one database: replicas.
      const env = {
        ROLES: 'auth',
        DATABASE_URL: db.url,
        ISSUER_URL: urls.issuer,
        SPA_URL: urls.spa,
        API_BASE_URL: urls.api,
      };
      try {
        replicas.push(await startServerProcess(env, urls.issuer));
        replicas.push(await startServerProcess({ ...env, AUTH_PORT: String(second) }, urls.second));
      } catch (error) {
        await stopReplicas();
        throw error;
      }
    });
  }, 90_000);
  const stopReplicas = async () => {
    for (const replica of replicas.splice(0)) {
      replica.signal('SIGKILL');
      await replica.exited();
    }
  };
  afterAll(async () => {
    await stopReplicas();
    await db?.drop();
  });

  it(`redeems each code exactly once in ${RACES} races`, async () => {
    const nextCode = codeSource(urls.issuer, urls.spa, urls.api);
    await expectOneWinnerPerRace(nextCode, () => [urls.issuer, urls.second]);
  }, 120_000);
});

describe('authorization codes at one AuthServer on SQLite', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth' } });
  });
  afterAll(() => sys?.close());

  it(`redeems each code exactly once in ${RACES} races`, async () => {
    const nextCode = codeSource(sys.urls.issuer, sys.urls.spa, sys.urls.api);
    await expectOneWinnerPerRace(nextCode, () => [sys.urls.issuer, sys.urls.issuer]);
  }, 120_000);
});
