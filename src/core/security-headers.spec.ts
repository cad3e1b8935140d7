import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  const headers = new Map(securityHeaders().map(([name, value]) => [name.toLowerCase(), value]));

  it('are the hardening headers, worked out once', () => {
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+; includeSubDomains$/);
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('cross-origin-resource-policy')).toBe('same-site');
  });

  it('leave Content-Security-Policy to each page, and the opener to Swagger UI', () => {
    expect(headers.has('content-security-policy')).toBe(false);
    expect(headers.has('cross-origin-opener-policy')).toBe(false);
  });
});
