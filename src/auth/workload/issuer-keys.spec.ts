import { IssuerKeys } from './issuer-keys';

const issuer = (n: number) => ({ jwksUri: `https://issuer-${n}.test/jwks` });
const noNetwork = () => Promise.reject(new Error('no network in unit tests'));

describe('IssuerKeys', () => {
  it('keeps one key set per JWKS URI across calls', () => {
    const keys = new IssuerKeys(noNetwork, 2);
    expect(keys.for(issuer(1))).toBe(keys.for(issuer(1)));
  });

  it('holds at most maxSets, dropping the least recently used', () => {
    const keys = new IssuerKeys(noNetwork, 2);
    const first = keys.for(issuer(1));
    const second = keys.for(issuer(2));
    expect(keys.for(issuer(1))).toBe(first);
    keys.for(issuer(3));
    expect(keys.for(issuer(1))).toBe(first);
    expect(keys.for(issuer(2))).not.toBe(second);
  });
});
