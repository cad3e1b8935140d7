import { bearerChallenge, dpopChallenge } from './www-authenticate';

describe('bearerChallenge', () => {
  it('is a bare scheme when there is nothing to say', () => {
    expect(bearerChallenge({})).toBe('Bearer');
  });

  it('names no error when the request carried no token (RFC 6750 §3.1)', () => {
    expect(
      bearerChallenge({
        scope: 'weatherget',
        resourceMetadata: 'http://localhost:5000/.well-known/oauth-protected-resource',
      }),
    ).toBe(
      'Bearer scope="weatherget", resource_metadata="http://localhost:5000/.well-known/oauth-protected-resource"',
    );
  });

  it('renders every parameter, in a fixed order', () => {
    expect(
      bearerChallenge({
        resourceMetadata: 'https://mcp.example/.well-known/oauth-protected-resource/mcp',
        scope: 'weatherget api',
        description: 'token expired',
        error: 'invalid_token',
      }),
    ).toBe(
      'Bearer error="invalid_token", error_description="token expired", scope="weatherget api", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('leaves out empty values', () => {
    expect(bearerChallenge({ error: 'insufficient_scope', description: '', scope: '' })).toBe(
      'Bearer error="insufficient_scope"',
    );
  });

  it('strips quotes and backslashes, which would end or escape the quoted-string', () => {
    expect(
      bearerChallenge({ error: 'invalid_request', description: 'say "hi", \\ then leave' }),
    ).toBe('Bearer error="invalid_request", error_description="say hi,  then leave"');
  });
});

describe('dpopChallenge', () => {
  it('is a bare scheme when there is nothing to say', () => {
    expect(dpopChallenge({ algs: [] })).toBe('DPoP');
  });

  it('renders error, description and the proof algorithms (RFC 9449 §7.1)', () => {
    expect(
      dpopChallenge({
        error: 'invalid_token',
        description: 'token is sender-constrained',
        algs: ['ES256', 'EdDSA'],
      }),
    ).toBe(
      'DPoP error="invalid_token", error_description="token is sender-constrained", algs="ES256 EdDSA"',
    );
  });
});
