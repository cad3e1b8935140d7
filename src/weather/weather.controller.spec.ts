import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LocalJwks } from '../../test/support/local-jwks';
import { readmeExcerpts, sourceOf } from '../../test/support/readme-excerpts';
import { testRoleContext } from '../../test/support/role-context';
import { newSigningKey, signAccessToken, type SigningKey } from '../../test/support/tokens';
import { BearerModule } from '../bearer/bearer.module';
import type { ResourceServerOptions } from '../bearer/resource-server.options';
import { CoreModule } from '../core/core.module';
import { RevocationList } from '../storage/revocation-list';
import { SqliteAuthStore } from '../storage/sqlite/sqlite.store';
import { WeatherController } from './weather.controller';
import type { SummaryBand, WeatherForecast } from './weather.service';
import { SUMMARIES } from './weather.service';
import { WeatherService } from './weather.service';

const ISSUER = 'https://issuer.spec.test';
const API = 'https://api.spec.test';

/** The real controller and the API's own bearer module, with keys from a local JWKS. */
describe('WeatherController', () => {
  let key: SigningKey;
  let jwks: LocalJwks;
  let store: SqliteAuthStore;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    key = await newSigningKey('key-1');
    jwks = await LocalJwks.start([key], ISSUER);
    store = new SqliteAuthStore(':memory:');
    const resource: ResourceServerOptions = {
      issuer: ISSUER,
      issuerInternalUrl: jwks.url,
      audience: API,
      publicBaseUrl: API,
      resourceMetadataUrl: `${API}/.well-known/oauth-protected-resource`,
      challengeScopes: ['weatherget'],
    };
    const moduleRef = await Test.createTestingModule({
      imports: [
        CoreModule.forRole(testRoleContext()),
        BearerModule.forResource({
          resource,
          revocations: new RevocationList(store),
          dpop: { proofIds: store },
          caches: { verifiedTokens: 100, dpopProofKeys: 10 },
        }),
      ],
      controllers: [WeatherController],
      providers: [WeatherService],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.close();
    await store?.close();
  });

  const get = async (path: string, scope?: string) => {
    const token =
      scope === undefined
        ? undefined
        : await signAccessToken(key, { iss: ISSUER, aud: API, sub: 'user-1', scope });
    return fetch(`${await app.getUrl()}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  };
  const forecast = (scope?: string) => get('/WeatherForecast', scope);
  const summaries = (scope?: string) => get('/WeatherForecast/summaries', scope);

  it('needs a token', async () => {
    const response = await forecast();

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('scope="weatherget"');
  });

  it('needs the weatherget scope', async () => {
    const response = await forecast('api openid');

    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain(
      'error="insufficient_scope", error_description="this operation needs scope: weatherget", scope="weatherget"',
    );
  });

  it('answers five forecasts to a weatherget token', async () => {
    const response = await forecast('weatherget');

    expect(response.status).toBe(200);
    const body = (await response.json()) as WeatherForecast[];
    expect(body).toHaveLength(5);
    expect(Object.keys(body[0]!).sort()).toEqual([
      'date',
      'summary',
      'temperatureC',
      'temperatureF',
    ]);
  });

  it('answers the summary scale to an api token (what m2m.client can read)', async () => {
    const response = await summaries('api');

    expect(response.status).toBe(200);
    const body = (await response.json()) as SummaryBand[];
    expect(body.map((b) => b.summary)).toEqual([...SUMMARIES]);
    expect(Object.keys(body[0]!).sort()).toEqual(['fromC', 'summary', 'toC']);
  });

  it('refuses the summary scale to a token without the api scope', async () => {
    expect((await summaries()).status).toBe(401);
    const response = await summaries('weatherget');

    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain(
      'error="insufficient_scope", error_description="this operation needs scope: api", scope="api"',
    );
  });
});

describe("the README's guard example", () => {
  it('quotes the API role line for line', () => {
    const excerpts = readmeExcerpts('### Protecting a route');

    expect(excerpts.map((e) => e.path)).toEqual([
      'src/weather/weather.module.ts',
      'src/weather/weather.controller.ts',
    ]);
    for (const { path, fragments } of excerpts) {
      for (const fragment of fragments) expect(sourceOf(path)).toContain(fragment);
    }
  });
});
