import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { BearerError } from './bearer.error';
import { readProof } from './dpop-proof';
import { ProofKeys } from './dpop-proof-keys';

const claims = () => ({
  jti: crypto.randomUUID(),
  iat: Math.floor(Date.now() / 1000),
  htm: 'GET',
  htu: 'http://api.test/WeatherForecast',
});

async function keyFor(alg: string, options: { crv?: string; modulusLength?: number } = {}) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { ...options, extractable: true });
  const { kty, crv, x, y, n, e } = await exportJWK(publicKey);
  const jwk = Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined),
  ) as JWK;
  return { privateKey, jwk };
}

async function proof(
  alg: string,
  key: Awaited<ReturnType<typeof keyFor>>,
  payload: Record<string, unknown> = claims(),
) {
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk: key.jwk })
    .sign(key.privateKey);
}

/** A proof signed by hand, for what jose will not sign: crit, and RSA keys under 2048 bits. */
function handSigned(header: object, payload: object, key: KeyObject, dsa: boolean): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${b64(header)}.${b64(payload)}`;
  const options = dsa ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return `${input}.${sign('sha256', Buffer.from(input), options).toString('base64url')}`;
}

function nodeKey(type: 'ec' | 'rsa') {
  const { privateKey, publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 1024 });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) as JWK };
}

const refused = (value: string) =>
  expect(readProof(value, new ProofKeys(10))).rejects.toBeInstanceOf(BearerError);

describe('readProof', () => {
  it.each([
    ['ES256', {}],
    ['ES384', {}],
    ['EdDSA', { crv: 'Ed25519' }],
    ['Ed25519', {}],
    ['RS256', {}],
    ['PS256', {}],
  ])('accepts a proof signed with %s under the key it carries', async (alg, options) => {
    const key = await keyFor(alg, options);
    const read = await readProof(await proof(alg, key), new ProofKeys(10));
    expect(read).toMatchObject({ htm: 'GET', htu: 'http://api.test/WeatherForecast' });
    expect(read.jkt).toMatch(/^[\w-]{43}$/);
  });

  it('refuses a changed payload, a key of another curve and a short RSA key', async () => {
    const es256 = await keyFor('ES256');
    const [h, , s] = (await proof('ES256', es256)).split('.');
    const other = Buffer.from(JSON.stringify({ ...claims(), htm: 'POST' })).toString('base64url');
    await refused(`${h}.${other}.${s}`);
    const p384 = await keyFor('ES384');
    const signed = await proof('ES384', p384);
    const relabelled = Buffer.from(
      JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: p384.jwk }),
    ).toString('base64url');
    await refused(`${relabelled}.${signed.split('.').slice(1).join('.')}`);
    const short = nodeKey('rsa');
    const header = { typ: 'dpop+jwt', alg: 'RS256', jwk: short.jwk };
    await refused(handSigned(header, claims(), short.privateKey, false));
  });

  it('refuses crit, a past exp, a future nbf, a non-object payload and extra parts', async () => {
    const key = await keyFor('ES256');
    const ec = nodeKey('ec');
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: ec.jwk };
    expect(
      await readProof(handSigned(header, claims(), ec.privateKey, true), new ProofKeys(10)),
    ).toBeDefined();
    await refused(handSigned({ ...header, crit: ['x'], x: 1 }, claims(), ec.privateKey, true));
    await refused(await proof('ES256', key, { ...claims(), exp: 1 }));
    await refused(await proof('ES256', key, { ...claims(), nbf: Date.now() }));
    await refused(`${await proof('ES256', key)}.x`);
    await refused((await proof('ES256', key)).replace(/\.([^.]+)\./, '.W10.'));
  });

  it('refuses a signature that is altered, not base64url, or of the wrong length', async () => {
    const key = await keyFor('ES256');
    const signed = await proof('ES256', key);
    const [h, p, s = ''] = signed.split('.');
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    await refused(`${h}.${p}.${flipped}`);
    await refused(`${h}.${p}.${s.slice(0, 20)}*${s.slice(21)}`);
    await refused(`${h}.${p}.${s.slice(0, 40)}`);
    await refused(`${h}.${p}.`);
    await refused(`${h}.${p}.${s}AAAA`);
  });

  it('refuses claims that are not UTF-8', async () => {
    const ec = nodeKey('ec');
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: ec.jwk };
    const signedAs = (encoding: BufferEncoding) => {
      const json = JSON.stringify({ ...claims(), htu: 'http://api.test/ÿ' });
      const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(json, encoding).toString('base64url')}`;
      const signature = sign('sha256', Buffer.from(input), {
        key: ec.privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${input}.${signature.toString('base64url')}`;
    };
    const keys = new ProofKeys(10);
    expect(await readProof(signedAs('utf8'), keys)).toMatchObject({
      htu: 'http://api.test/ÿ',
    });
    // The same claims with ÿ as one Latin-1 octet: not UTF-8, not to be read as U+FFFD.
    await expect(readProof(signedAs('latin1'), keys)).rejects.toBeInstanceOf(BearerError);
  });
});
