// DPoP proofs (RFC 9449 §4.2) for the bench, signed synchronously with node:crypto so that a
// load worker can add a fresh one to every request it builds.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const b64 = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function dpopKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { kty, crv, x, y };
  return {
    /** A proof for `htm` and `htu` (URL without query), with `ath` when a token is given. */
    proof(htm, htu, accessToken) {
      const header = { typ: 'dpop+jwt', alg: 'ES256', jwk };
      const claims = { htm, htu, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) };
      if (accessToken) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
      const input = `${b64(header)}.${b64(claims)}`;
      const signature = sign('sha256', Buffer.from(input), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${input}.${signature.toString('base64url')}`;
    },
  };
}
