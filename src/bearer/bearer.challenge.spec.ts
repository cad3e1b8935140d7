import { challengeFor } from './bearer.challenge';
import { BearerError } from './bearer.error';

const resource = {
  resourceMetadataUrl: 'https://api.example/.well-known/oauth-protected-resource',
  challengeScopes: ['weatherget', 'api'],
};
const METADATA = `resource_metadata="${resource.resourceMetadataUrl}"`;

describe('challengeFor', () => {
  it('asks a request without credentials for a token, naming no error (RFC 6750 §3.1)', () => {
    const challenge = challengeFor(new BearerError('unauthorized', 'a token, please'), resource);

    expect(challenge).toEqual({
      status: 401,
      headers: { 'www-authenticate': `Bearer scope="weatherget api", ${METADATA}` },
      body: { error: 'unauthorized', error_description: 'a token, please' },
    });
  });

  it('refuses a bad token with invalid_token and the scopes to ask for', () => {
    const challenge = challengeFor(new BearerError('invalid_token', 'token expired'), resource);

    expect(challenge.status).toBe(401);
    expect(challenge.headers).toEqual({
      'www-authenticate': `Bearer error="invalid_token", error_description="token expired", scope="weatherget api", ${METADATA}`,
    });
  });

  it('adds a DPoP challenge for a token bound to a key (RFC 9449 §7.1), with or without algs', () => {
    const withAlgs = challengeFor(
      new BearerError('invalid_token', 'bound', { dpopAlgs: ['ES256'] }),
      resource,
    );
    const without = challengeFor(
      new BearerError('invalid_token', 'bound', { dpopAlgs: [] }),
      resource,
    );

    expect(withAlgs.headers['www-authenticate']).toEqual([
      `Bearer error="invalid_token", error_description="bound", scope="weatherget api", ${METADATA}`,
      'DPoP error="invalid_token", error_description="bound", algs="ES256"',
    ]);
    expect(without.headers['www-authenticate']).toEqual([
      expect.stringMatching(/^Bearer /) as string,
      'DPoP error="invalid_token", error_description="bound"',
    ]);
  });

  it('answers a missing scope with 403 insufficient_scope naming what the operation needs', () => {
    const error = new BearerError('insufficient_scope', 'needs weatherget', {
      scope: 'weatherget',
    });

    expect(challengeFor(error, resource)).toEqual({
      status: 403,
      headers: {
        'www-authenticate': `Bearer error="insufficient_scope", error_description="needs weatherget", scope="weatherget", ${METADATA}`,
      },
      body: {
        error: 'insufficient_scope',
        error_description: 'needs weatherget',
        scope: 'weatherget',
      },
    });
  });

  it('answers a token outside the header with 400 invalid_request and no scope', () => {
    const challenge = challengeFor(new BearerError('invalid_request', 'header only'), resource);

    expect(challenge.status).toBe(400);
    expect(challenge.headers).toEqual({
      'www-authenticate': `Bearer error="invalid_request", error_description="header only", ${METADATA}`,
    });
  });

  it('answers 503 with Retry-After and no challenge when the token could not be verified', () => {
    const challenge = challengeFor(new BearerError('temporarily_unavailable', 'later'), resource);

    expect(challenge).toEqual({
      status: 503,
      headers: { 'retry-after': '5' },
      body: { error: 'temporarily_unavailable', error_description: 'later' },
    });
  });
});
