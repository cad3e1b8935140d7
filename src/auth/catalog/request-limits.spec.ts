import { limitViolation, REQUEST_LIMITS } from './request-limits';

describe('limitViolation', () => {
  it.each([
    ['a normal request', '/connect/authorize?client_id=x&scope=openid', {}, undefined],
    ['a long URL', `/connect/authorize?x=${'a'.repeat(REQUEST_LIMITS.urlLength)}`, {}, 414],
    ['a long parameter', `/connect/authorize?state=${'a'.repeat(2049)}`, {}, 400],
    ['a long encoded parameter', `/c?resource=${'%2F'.repeat(2049)}`, {}, 400],
    ['a large body', '/connect/token', { 'content-length': String(16 * 1024 + 1) }, 413],
    ['a body at the limit', '/connect/token', { 'content-length': String(16 * 1024) }, undefined],
    ['a nonsense length', '/connect/token', { 'content-length': 'abc' }, 413],
  ])('%s', (_case, url, headers, status) => {
    expect(limitViolation({ url, headers })?.status).toBe(status);
  });
});
