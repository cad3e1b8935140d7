import { describe, expect, it } from 'vitest';
import { tokenBinding } from './binding';

const jwt = (claims: object) =>
  ['{"alg":"ES256"}', JSON.stringify(claims)]
    .map((part) => btoa(part).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'))
    .concat('sig')
    .join('.');

describe('tokenBinding', () => {
  it('reads the thumbprint of a DPoP-bound token from cnf.jkt', () => {
    expect(tokenBinding('DPoP', jwt({ cnf: { jkt: 'thumb' } }))).toEqual({
      kind: 'dpop',
      jkt: 'thumb',
    });
  });

  it('calls a Bearer token unbound, whatever its claims say', () => {
    expect(tokenBinding('Bearer', jwt({ cnf: { jkt: 'thumb' } }))).toEqual({ kind: 'bearer' });
  });

  it('says when a DPoP token names no key the browser can read', () => {
    expect(tokenBinding('DPoP', jwt({}))).toEqual({ kind: 'dpop-unreadable' });
    expect(tokenBinding('DPoP', 'opaque')).toEqual({ kind: 'dpop-unreadable' });
  });
});
