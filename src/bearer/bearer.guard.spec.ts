import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyRequest } from 'fastify';
import { createPublicKey } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { Strategy } from 'passport-jwt';
import { LocalJwks } from '../../test/support/local-jwks';
import { testRoleContext } from '../../test/support/role-context';
import {
  newSigningKey,
  signAccessToken,
  tamper,
  unsignedToken,
  type SigningKey,
  type TokenOptions,
} from '../../test/support/tokens';
import { DPOP_SIGNING_ALGS } from '../config/dpop';
import { CoreModule } from '../core/core.module';
import type { DpopProofIds } from '../storage/dpop-proof-ids';
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS, RevocationList } from '../storage/revocation-list';
import { RevocationUnavailable, type RevocationView } from '../storage/revocation-view';
import { SqliteAuthStore } from '../storage/sqlite/sqlite.store';
import { BearerGuard } from './bearer.guard';
import { BearerModule } from './bearer.module';
import type { Principal } from './principal';
import type { ResourceServerOptions } from './resource-server.options';
import { RequireScopes } from './scopes.decorator';
import { JWKS_COOLDOWN_MS } from './issuer-keys';

const ISSUER = 'https://issuer.spec.test';
const AUDIENCE_A = 'https://api.spec.test';
const AUDIENCE_B = 'https://mcp.spec.test/mcp';
const METADATA_A = `${AUDIENCE_A}/.well-known/oauth-protected-resource`;

type GuardedRequest = FastifyRequest & {
  user?: Principal;
  raw: FastifyRequest['raw'] & { user?: Principal };
};

@Controller()
@UseGuards(BearerGuard)
class SpecController {
  @Get('whoami')
  whoami(@Req() request: GuardedRequest) {
    return { user: request.user, rawUserIsUser: request.raw.user === request.user };
  }

  @Get('forecast')
  @RequireScopes('weatherget')
  forecast() {
    return { ok: true };
  }
}

/** One resource server as a tiny Nest Fastify app, wired the way the role modules wire theirs. */
async function startResourceServer(
  resource: ResourceServerOptions,
  revocations: RevocationView,
  proofIds: DpopProofIds = { rememberProofId: () => Promise.resolve(true) },
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CoreModule.forRole(testRoleContext()),
      BearerModule.forResource({
        resource,
        revocations,
        dpop: { proofIds },
        caches: { verifiedTokens: 100, dpopProofKeys: 10 },
      }),
    ],
    controllers: [SpecController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

function sleepUntil(epochMs: number): Promise<void> {
  return delay(Math.max(0, epochMs - Date.now()));
}

const DPOP_ALGS = `DPoP algs="${DPOP_SIGNING_ALGS.join(' ')}"`;

function options(issuerInternalUrl: string, audience: string): ResourceServerOptions {
  return {
    issuer: ISSUER,
    issuerInternalUrl,
    audience,
    publicBaseUrl: audience,
    resourceMetadataUrl: `${audience}/.well-known/oauth-protected-resource`,
    challengeScopes: ['weatherget'],
  };
}

describe('BearerGuard + AccessTokenVerifier', () => {
  let key: SigningKey;
  let jwks: LocalJwks;
  let store: SqliteAuthStore;
  let revocations: RevocationList;
  let apiA: NestFastifyApplication;
  let apiB: NestFastifyApplication;

  beforeAll(async () => {
    key = await newSigningKey('key-1');
    jwks = await LocalJwks.start([key], ISSUER);
    store = new SqliteAuthStore(':memory:');
    revocations = new RevocationList(store);
    apiA = await startResourceServer(options(jwks.url, AUDIENCE_A), revocations);
    // A second resource server in the same process, as API and MCP roles share one by default.
    apiB = await startResourceServer(options(jwks.url, AUDIENCE_B), revocations);
  });

  afterAll(async () => {
    await apiA?.close();
    await apiB?.close();
    await jwks?.close();
    await store?.close();
  });

  const token = (claims: Record<string, unknown> = {}, tokenOptions: TokenOptions = {}) =>
    signAccessToken(
      key,
      {
        iss: ISSUER,
        aud: AUDIENCE_A,
        sub: 'user-1',
        client_id: 'spa',
        scope: 'weatherget api',
        ...claims,
      },
      tokenOptions,
    );

  const get = async (app: NestFastifyApplication, path: string, authorization?: string) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
      body: await response.json(),
    };
  };

  const invalidTokenChallenge = (description: string) =>
    `Bearer error="invalid_token", error_description="${description}", scope="weatherget", resource_metadata="${METADATA_A}", ${DPOP_ALGS}`;

  it('lets a valid token through and hands the principal to the handler and the raw request', async () => {
    const jwt = await token({ jti: 'jti-valid' });
    const response = await get(apiA, '/whoami', `Bearer ${jwt}`);

    expect(response.status).toBe(200);
    const body = response.body as { user: Principal; rawUserIsUser: boolean };
    expect(body.user).toEqual({
      sub: 'user-1',
      clientId: 'spa',
      scope: 'weatherget api',
      scopes: ['weatherget', 'api'],
      audience: [AUDIENCE_A],
      expiresAt: expect.any(Number) as number,
      token: jwt,
    });
    expect(body.rawUserIsUser).toBe(true);
  });

  it('carries the act claim of an exchanged token into the principal', async () => {
    const response = await get(apiA, '/whoami', `Bearer ${await token({ act: { sub: 'mcp' } })}`);

    expect(response.status).toBe(200);
    expect((response.body as { user: Principal }).user.act).toEqual({ sub: 'mcp' });
  });

  it('answers a request without a token with 401 and a challenge that names no error', async () => {
    const response = await get(apiA, '/whoami');

    expect(response.status).toBe(401);
    // RFC 6750 §3.1: no error code when the request carried no authentication information.
    expect(response.challenge).toBe(
      `Bearer scope="weatherget", resource_metadata="${METADATA_A}", ${DPOP_ALGS}`,
    );
  });

  it('treats another authentication scheme like a missing token', async () => {
    const response = await get(apiA, '/whoami', 'Basic dXNlcjpwYXNz');

    expect(response.status).toBe(401);
    expect(response.challenge).toBe(
      `Bearer scope="weatherget", resource_metadata="${METADATA_A}", ${DPOP_ALGS}`,
    );
  });

  it('refuses an expired token as invalid_token "token expired"', async () => {
    // Beyond the verifier's 5 s clock tolerance.
    const response = await get(apiA, '/whoami', `Bearer ${await token({}, { expiresIn: -60 })}`);

    expect(response.status).toBe(401);
    expect(response.challenge).toBe(invalidTokenChallenge('token expired'));
    expect(response.body).toMatchObject({
      error: 'invalid_token',
      error_description: 'token expired',
    });
  });

  // The one full table of refused tokens; the e2e suites only check each server's wiring.
  const refused: [string, () => Promise<string>, string][] = [
    ['another audience', () => token({ aud: 'https://elsewhere.spec.test' }), 'token invalid'],
    ['another issuer', () => token({ iss: 'https://evil.spec.test' }), 'token invalid'],
    ['an unknown kid', () => token({}, { kid: 'no-such-key' }), 'token invalid'],
    [
      'a signature by another key under a known kid',
      async () => {
        const foreign = await newSigningKey('key-1');
        return signAccessToken(foreign, { iss: ISSUER, aud: AUDIENCE_A, sub: 'user-1' });
      },
      'token invalid',
    ],
    [
      'HS256 keyed with the RSA public key (algorithm confusion)',
      async () => {
        const pem = createPublicKey({ key: key.publicJwk, format: 'jwk' }).export({
          type: 'spki',
          format: 'pem',
        });
        return new SignJWT({ iss: ISSUER, aud: AUDIENCE_A, sub: 'user-1', scope: 'weatherget' })
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
          .setExpirationTime('5m')
          .sign(Buffer.from(pem));
      },
      'token invalid',
    ],
    [
      'alg none',
      () =>
        Promise.resolve(
          unsignedToken({ iss: ISSUER, aud: AUDIENCE_A, sub: 'user-1', exp: 9_999_999_999 }),
        ),
      'token invalid',
    ],
    [
      'a payload changed after signing',
      async () => tamper(await token(), { sub: 'mallory' }),
      'token invalid',
    ],
    ['garbage instead of a JWT', () => Promise.resolve('not-a-jwt'), 'token invalid'],
    ['no jti (RFC 9068 §2.2)', () => token({ jti: undefined }), 'token invalid (no jti)'],
    [
      'typ JWT (an ID token, say) instead of at+jwt',
      () => token({}, { typ: 'JWT' }),
      'not an access token (typ must be at+jwt)',
    ],
  ];

  it.each(refused)('refuses a token with %s as invalid_token', async (_name, make, description) => {
    const response = await get(apiA, '/whoami', `Bearer ${await make()}`);

    expect(response.status).toBe(401);
    expect(response.challenge).toBe(invalidTokenChallenge(description));
  });

  it('refuses a token bound by a method it cannot check (RFC 8705 certificates)', async () => {
    const description = 'token is bound by a method we cannot check';
    for (const cnf of [{ 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }, {}]) {
      const response = await get(apiA, '/whoami', `Bearer ${await token({ cnf })}`);
      expect(response.status).toBe(401);
      expect(response.challenge).toBe(invalidTokenChallenge(description));
    }
  });

  it('refuses a token once its jti is on the revocation list', async () => {
    const jwt = await token({ jti: 'jti-to-revoke' });
    expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);

    await revocations.revoke('jti-to-revoke', Math.floor(Date.now() / 1000) + 300);
    const response = await get(apiA, '/whoami', `Bearer ${jwt}`);

    expect(response.status).toBe(401);
    expect(response.challenge).toBe(invalidTokenChallenge('token revoked'));
  });

  describe('the verified-token cache', () => {
    type Verifier = (...args: unknown[]) => void;
    const strategy = Strategy as unknown as { JwtVerifier: Verifier };
    const original = strategy.JwtVerifier;
    let coldChecks = 0;
    beforeAll(() => {
      strategy.JwtVerifier = (...args) => {
        coldChecks += 1;
        original(...args);
      };
    });
    afterAll(() => {
      strategy.JwtVerifier = original;
    });

    it('checks signature and claims once per token, then answers from the cache', async () => {
      const jwt = await token();
      const before = coldChecks;
      for (let i = 0; i < 3; i += 1)
        expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);

      expect(coldChecks - before).toBe(1);
      // Another resource server keeps its own cache: its audience was never checked for this token.
      expect((await get(apiB, '/whoami', `Bearer ${jwt}`)).status).toBe(401);
    });

    it('still refuses a cached token the moment it is revoked', async () => {
      const jwt = await token({ jti: 'jti-cached-then-revoked' });
      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);
      const before = coldChecks;
      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);
      expect(coldChecks).toBe(before);

      await revocations.revoke('jti-cached-then-revoked', Math.floor(Date.now() / 1000) + 300);
      const response = await get(apiA, '/whoami', `Bearer ${jwt}`);

      expect(response.status).toBe(401);
      expect(response.challenge).toBe(invalidTokenChallenge('token revoked'));
    });

    it('refuses a cached token whose grant is revoked', async () => {
      const jwt = await token({ gid: 'grant-cached' });
      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);

      await revocations.revokeGrant('grant-cached', Math.floor(Date.now() / 1000) + 300);

      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(401);
    });

    it('keeps a token no later than its exp: then the full check runs, and refuses it once expired', async () => {
      const jwt = await token({}, { expiresIn: 1 });
      const { exp } = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
        exp: number;
      };
      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);

      await sleepUntil(exp * 1000 + 50);
      const before = coldChecks;
      // Past exp but within the 5 s clock tolerance: accepted, by the full check, not the cache.
      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);
      expect(coldChecks - before).toBe(1);

      await sleepUntil((exp + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS + 1) * 1000);
      const response = await get(apiA, '/whoami', `Bearer ${jwt}`);
      expect(response.status).toBe(401);
      expect(response.challenge).toBe(invalidTokenChallenge('token expired'));
    }, 15_000);

    it('never caches a token that arrives already past its exp', async () => {
      const jwt = await token({}, { expiresIn: -2 });
      const before = coldChecks;
      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);
      expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(200);

      expect(coldChecks - before).toBe(2);
    });

    it('answers every rejected token of the table the same way on a second try', async () => {
      for (const [, make, description] of refused) {
        const jwt = await make();
        await get(apiA, '/whoami', `Bearer ${jwt}`);
        const again = await get(apiA, '/whoami', `Bearer ${jwt}`);
        expect(again.status).toBe(401);
        expect(again.challenge).toBe(invalidTokenChallenge(description));
      }
    });
  });

  it('answers 503 temporarily_unavailable while the revocation list cannot vouch for a token', async () => {
    // Its own issuer, so the discovery counts of the servers above stay theirs.
    const own = await LocalJwks.start([key], ISSUER);
    const blind = await startResourceServer(options(own.url, AUDIENCE_A), {
      isRevoked: () => Promise.reject(new RevocationUnavailable('feed lost')),
    });
    try {
      const jwt = await token();
      // The second request finds the token verified already: the warm path fails closed too.
      for (const attempt of [1, 2]) {
        const response = await get(blind, '/whoami', `Bearer ${jwt}`);
        expect({ attempt, status: response.status }).toEqual({ attempt, status: 503 });
        expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });
      }
    } finally {
      await blind.close();
      await own.close();
    }
  });

  it('answers a token without the required scope with 403 insufficient_scope naming it', async () => {
    const response = await get(apiA, '/forecast', `Bearer ${await token({ scope: 'api' })}`);

    expect(response.status).toBe(403);
    expect(response.challenge).toBe(
      `Bearer error="insufficient_scope", error_description="this operation needs scope: weatherget", scope="weatherget", resource_metadata="${METADATA_A}"`,
    );
  });

  it('lets a token with the required scope through', async () => {
    const response = await get(apiA, '/forecast', `Bearer ${await token({ scope: 'weatherget' })}`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
  });

  it('refuses a token in the query string with 400 invalid_request, even beside a valid header', async () => {
    const jwt = await token();
    const response = await get(apiA, `/whoami?access_token=${jwt}`, `Bearer ${jwt}`);

    expect(response.status).toBe(400);
    expect(response.challenge).toBe(
      `Bearer error="invalid_request", error_description="access tokens are accepted only in the Authorization header", resource_metadata="${METADATA_A}"`,
    );
  });

  it('caches discovery and the JWKS: known keys are not fetched again for every request', async () => {
    await get(apiA, '/whoami', `Bearer ${await token()}`);
    const before = { jwks: jwks.requests, discovery: jwks.discoveryRequests };

    for (let i = 0; i < 3; i += 1) {
      expect((await get(apiA, '/whoami', `Bearer ${await token()}`)).status).toBe(200);
    }
    expect({ jwks: jwks.requests, discovery: jwks.discoveryRequests }).toEqual(before);
    // Each of the two resource servers discovered the keys once, through the internal URL.
    expect(jwks.discoveryRequests).toBeLessThanOrEqual(2);
  });

  it('follows a key rotation: fetches the set again for an unknown kid once the cooldown allows', async () => {
    const rotated = await newSigningKey('key-2');
    const jwt = await signAccessToken(rotated, {
      iss: ISSUER,
      aud: AUDIENCE_A,
      sub: 'user-1',
      scope: 'weatherget',
    });
    expect((await get(apiA, '/whoami', `Bearer ${jwt}`)).status).toBe(401);

    jwks.serve([key, rotated]);
    await delay(JWKS_COOLDOWN_MS + 100);
    const before = jwks.requests;
    const response = await get(apiA, '/whoami', `Bearer ${jwt}`);

    expect(response.status).toBe(200);
    expect(jwks.requests).toBe(before + 1);
    // The old key keeps working while both are published.
    expect((await get(apiA, '/whoami', `Bearer ${await token()}`)).status).toBe(200);
  });

  it('answers a flood of unknown kids from one fetch of the set, and a valid token at once', async () => {
    const stranger = await newSigningKey('stranger');
    await delay(JWKS_COOLDOWN_MS + 100);
    const before = jwks.requests;

    const statuses = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const forged = await signAccessToken(
          { ...stranger, kid: `unknown-${i}` },
          { iss: ISSUER, aud: AUDIENCE_A, sub: 'user-1', scope: 'weatherget' },
        );
        return (await get(apiA, '/whoami', `Bearer ${forged}`)).status;
      }),
    );

    expect(new Set(statuses)).toEqual(new Set([401]));
    // The cooldown had passed: the first unknown kid fetched the set, the others shared it.
    expect(jwks.requests - before).toBe(1);
    const started = performance.now();
    expect((await get(apiA, '/whoami', `Bearer ${await token()}`)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(jwks.requests - before).toBe(1);
  });

  it('answers 503, not 401, while the issuer cannot be reached: the token may be fine', async () => {
    const closed = await LocalJwks.start([key], ISSUER);
    const url = closed.url;
    await closed.close();
    const blind = await startResourceServer(options(url, AUDIENCE_A), revocations);
    try {
      const response = await get(blind, '/whoami', `Bearer ${await token()}`);
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect(response.challenge).toBeNull();
    } finally {
      await blind.close();
    }
  });

  it('answers 503 when the discovery document names another issuer', async () => {
    const impostor = await LocalJwks.start([key], 'https://other-issuer.spec.test');
    const fooled = await startResourceServer(options(impostor.url, AUDIENCE_A), revocations);
    try {
      const response = await get(fooled, '/whoami', `Bearer ${await token()}`);
      expect(response.status).toBe(503);
      expect(impostor.requests).toBe(0);
    } finally {
      await fooled.close();
      await impostor.close();
    }
  });

  it('retries discovery after a failure instead of caching it', async () => {
    const late = await LocalJwks.start([key], ISSUER);
    const url = late.url;
    await late.close();
    const waiting = await startResourceServer(options(url, AUDIENCE_A), revocations);
    const port = Number(new URL(url).port);
    const { createServer } = await import('node:http');
    expect((await get(waiting, '/whoami', `Bearer ${await token()}`)).status).toBe(503);
    // The issuer comes up on the same address: the next token is verified.
    const revived = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(
        request.url === '/.well-known/openid-configuration'
          ? JSON.stringify({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks` })
          : JSON.stringify({ keys: [key.publicJwk] }),
      );
    });
    await new Promise<void>((resolve) => revived.listen(port, '127.0.0.1', resolve));
    try {
      expect((await get(waiting, '/whoami', `Bearer ${await token()}`)).status).toBe(200);
    } finally {
      await waiting.close();
      await new Promise((resolve) => revived.close(resolve));
    }
  });

  it('keeps two named strategies apart: each resource server accepts only its own audience', async () => {
    const forA = await token({ aud: AUDIENCE_A });
    const forB = await token({ aud: AUDIENCE_B });

    expect((await get(apiA, '/whoami', `Bearer ${forA}`)).status).toBe(200);
    expect((await get(apiB, '/whoami', `Bearer ${forB}`)).status).toBe(200);
    const crossed = await get(apiB, '/whoami', `Bearer ${forA}`);
    expect(crossed.status).toBe(401);
    expect(crossed.challenge).toBe(
      `Bearer error="invalid_token", error_description="token invalid", scope="weatherget", resource_metadata="${AUDIENCE_B}/.well-known/oauth-protected-resource", ${DPOP_ALGS}`,
    );
    expect((await get(apiA, '/whoami', `Bearer ${forB}`)).status).toBe(401);
  });
});
