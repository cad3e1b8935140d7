import { JWT_BEARER_GRANT } from '../catalog/grant-types';
import { isAnonymousAssertion } from './anonymous-assertions';

describe('isAnonymousAssertion', () => {
  const assertion = { grant_type: JWT_BEARER_GRANT, assertion: 'a.b.c' };

  it('takes a JWT bearer request with no client credential anywhere', () => {
    expect(isAnonymousAssertion({}, assertion)).toBe(true);
  });

  it.each([
    ['a client_id', { client_id: 'other' }],
    ['an empty client_id', { client_id: '' }],
    ['a client_secret', { client_secret: 's' }],
    ['a client_assertion', { client_assertion: 'x.y.z' }],
  ])('leaves a request with %s to client authentication', (_name, extra) => {
    expect(isAnonymousAssertion({}, { ...assertion, ...extra })).toBe(false);
  });

  it('leaves a request with an Authorization header, even an empty one', () => {
    expect(isAnonymousAssertion({ authorization: 'Basic eDp5' }, assertion)).toBe(false);
    expect(isAnonymousAssertion({ authorization: '' }, assertion)).toBe(false);
  });

  it('leaves every other grant, and a repeated grant_type, alone', () => {
    expect(isAnonymousAssertion({}, { grant_type: 'refresh_token', refresh_token: 'r' })).toBe(
      false,
    );
    expect(isAnonymousAssertion({}, { ...assertion, grant_type: [JWT_BEARER_GRANT] })).toBe(false);
    expect(isAnonymousAssertion({}, {})).toBe(false);
  });
});
