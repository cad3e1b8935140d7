import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { McpDpopKey } from './mcp-dpop-key';

describe('McpDpopKey', () => {
  let key: McpDpopKey;
  beforeAll(async () => {
    key = await McpDpopKey.generate(100);
  });

  it('signs proofs that verify under the key in their header (RFC 9449 §4.2)', async () => {
    const proof = key.proof('GET', 'http://api.test/WeatherForecast?days=2', 'token-1');
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      algorithms: ['ES256'],
      typ: 'dpop+jwt',
    });
    expect(protectedHeader.jwk && Object.keys(protectedHeader.jwk).sort()).toEqual([
      'crv',
      'kty',
      'x',
      'y',
    ]);
    expect(payload).toMatchObject({ htm: 'GET', htu: 'http://api.test/WeatherForecast' });
    expect(typeof payload.jti).toBe('string');
    expect(payload.nonce).toBeUndefined();
  });

  it('names its own thumbprint and carries a fresh jti and the last nonce', async () => {
    key.rememberNonce('http://api.test/x', 'n-1');
    const one = key.proof('POST', 'http://api.test/a', 't');
    const two = key.proof('POST', 'http://api.test/a', 't');
    const a = await jwtVerify(one, EmbeddedJWK, { algorithms: ['ES256'] });
    const b = await jwtVerify(two, EmbeddedJWK, { algorithms: ['ES256'] });
    expect(a.payload.jti).not.toEqual(b.payload.jti);
    expect(a.payload.nonce).toBe('n-1');
    expect(await calculateJwkThumbprint(decodeProtectedHeader(one).jwk!)).toBe(key.thumbprint);
  });

  it('hands the token endpoint the same key, private half not extractable', async () => {
    const data = new TextEncoder().encode('x');
    const alg = { name: 'ECDSA', hash: 'SHA-256' };
    const signature = await crypto.subtle.sign(alg, key.keyPair.privateKey, data);
    const jwk = decodeProtectedHeader(key.proof('GET', 'http://api.test/', 't')).jwk!;
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      jwk,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    expect(await crypto.subtle.verify(alg, publicKey, signature, data)).toBe(true);
    expect(key.keyPair.privateKey.extractable).toBe(false);
  });
});
