import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { signAccessToken, type TokenOptions } from '../../../test/support/tokens';
import { RevocationList } from '../../storage/revocation-list';
import { SqliteAuthStore } from '../../storage/sqlite/sqlite.store';
import { IssuedTokenError, IssuedTokenVerifier, publicJwks } from './issued-tokens';

const ISSUER = 'http://localhost:5001';
const API = 'http://localhost:5000';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

async function privateJwk(alg: 'RS256' | 'ES256', kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

describe('publicJwks', () => {
  it('publishes only the public members of RSA and EC keys', async () => {
    const rsa = await privateJwk('RS256', 'rsa-1');
    const ec = await privateJwk('ES256', 'ec-1');
    expect(Object.keys(rsa)).toEqual(expect.arrayContaining(PRIVATE_MEMBERS));

    const published = JSON.parse(JSON.stringify(publicJwks({ keys: [rsa, ec] }))) as {
      keys: JWK[];
    };

    expect(published.keys[0]).toEqual({
      kty: 'RSA',
      n: rsa.n,
      e: rsa.e,
      kid: 'rsa-1',
      alg: 'RS256',
      use: 'sig',
    });
    expect(published.keys[1]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: ec.x,
      y: ec.y,
      kid: 'ec-1',
      alg: 'ES256',
      use: 'sig',
    });
  });
});

describe('IssuedTokenVerifier', () => {
  let key: JWK;
  let store: SqliteAuthStore;
  let revocations: RevocationList;
  let verifier: IssuedTokenVerifier;

  beforeAll(async () => {
    key = await privateJwk('RS256', 'server-key');
    store = new SqliteAuthStore(':memory:');
    revocations = new RevocationList(store);
    verifier = new IssuedTokenVerifier(
      ISSUER,
      createLocalJWKSet(publicJwks({ keys: [key] })),
      revocations,
    );
  });

  afterAll(() => store.close());

  function issue(
    claims: Record<string, unknown> = {},
    options: TokenOptions & { key?: JWK } = {},
  ): Promise<string> {
    const signer = options.key ?? key;
    const defaults = { iss: ISSUER, aud: API, sub: '818727', client_id: 'interactive' };
    return signAccessToken(
      { kid: signer.kid!, privateKey: signer, publicJwk: publicJwks({ keys: [signer] }).keys[0]! },
      { ...defaults, scope: 'weatherget', ...claims },
      options,
    );
  }

  async function failure(token: Promise<string>, options?: { audience?: string }) {
    try {
      await verifier.verify(await token, options);
    } catch (error) {
      if (error instanceof IssuedTokenError) return error.code;
      throw error;
    }
    throw new Error('verify accepted the token');
  }

  it('returns the claims of a valid token', async () => {
    const claims = await verifier.verify(await issue({ jti: 'jti-valid' }), { audience: API });

    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: API,
      sub: '818727',
      client_id: 'interactive',
      jti: 'jti-valid',
    });
  });

  it('says expired for an expired token', async () => {
    expect(await failure(issue({}, { expiresIn: -60 }))).toBe('expired');
  });

  it('says wrong_audience for a token issued for another resource', async () => {
    expect(await failure(issue({ aud: 'http://localhost:8010/mcp' }), { audience: API })).toBe(
      'wrong_audience',
    );
  });

  it('says revoked for a revoked token, unless asked not to check', async () => {
    const token = await issue({ jti: 'jti-revoked' });
    await revocations.revoke('jti-revoked', Math.floor(Date.now() / 1000) + 300);

    expect(await failure(Promise.resolve(token))).toBe('revoked');
    expect((await verifier.verify(token, { checkRevoked: false })).jti).toBe('jti-revoked');
  });

  it.each([
    [
      'signed by a foreign key',
      async () => issue({}, { key: await privateJwk('RS256', 'server-key') }),
    ],
    ['from another issuer', () => issue({ iss: 'https://evil.example' })],
    ['typed JWT, not at+jwt (an ID token)', () => issue({}, { typ: 'JWT' })],
    ['without client_id', () => issue({ client_id: undefined })],
    ['without jti', () => issue({ jti: undefined })],
    ['that is not a JWT', () => Promise.resolve('opaque-token-value')],
  ])('says invalid for a token %s', async (_name, make) => {
    expect(await failure(make())).toBe('invalid');
  });

  it('tells JWTs from opaque tokens by shape', async () => {
    expect(IssuedTokenVerifier.looksLikeJwt(await issue())).toBe(true);
    expect(IssuedTokenVerifier.looksLikeJwt('dGhpcyBpcyBvcGFxdWU')).toBe(false);
    expect(IssuedTokenVerifier.looksLikeJwt('a.b.c.d')).toBe(false);
  });
});
