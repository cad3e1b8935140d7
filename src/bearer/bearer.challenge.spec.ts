import { DPOP_SIGNING_ALGS } from '../config/dpop';
import { challengeFor } from './bearer.challenge';
import { BearerError } from './bearer.error';

const resource = {
  resourceMetadataUrl: 'https://api.example/.well-known/oauth-protected-resource',
  challengeScopes: ['weatherget', 'api'],
};
const METADATA = `resource_metadata="${resource.resourceMetadataUrl}"`;
const ALG_LIST = `algs="${DPOP_SIGNING_ALGS.join(' ')}"`;
const ALGS = `DPoP ${ALG_LIST}`;

describe('challengeFor', () => {
  it('asks a request without credentials for a token, naming no error (RFC 6750 §3.1)', () => {
    const challenge = challengeFor(new BearerError('unauthorized', 'a token, please'), resource);

    expect(challenge).toEqual({
      status: 401,
      headers: { 'www-authenticate': [`Bearer scope="weatherget api", ${METADATA}`, ALGS] },
      body: { error: 'unauthorized', error_description: 'a token, please' },
    });
  });

  it('refuses a bad token with invalid_token and the scopes to ask for', () => {
    const challenge = challengeFor(new BearerError('invalid_token', 'token expired'), resource);

    expect(challenge.status).toBe(401);
    expect(challenge.headers).toEqual({
      'www-authenticate': [
        `Bearer error="invalid_token", error_description="token expired", scope="weatherget api", ${METADATA}`,
        ALGS,
      ],
    });
  });

  it('adds a DPoP challenge naming the proof algs (RFC 9449 §7.1), with the error when about DPoP', () => {
    const bound = challengeFor(
      new BearerError('invalid_token', 'bound', { aboutDpop: true }),
      resource,
    );
    const plain = challengeFor(new BearerError('invalid_token', 'expired'), resource);

    expect(bound.headers['www-authenticate']).toEqual([
      `Bearer error="invalid_token", error_description="bound", scope="weatherget api", ${METADATA}`,
      `DPoP error="invalid_token", error_description="bound", ${ALG_LIST}`,
    ]);
    expect(plain.headers['www-authenticate']).toEqual([expect.stringMatching(/^Bearer /), ALGS]);
  });

  it('answers a bad proof with a DPoP challenge that says what a Bearer one would', () => {
    const challenge = challengeFor(new BearerError('invalid_dpop_proof', 'replayed'), resource);

    expect(challenge.status).toBe(401);
    expect(challenge.headers).toEqual({
      'www-authenticate': `DPoP error="invalid_dpop_proof", error_description="replayed", ${ALG_LIST}, scope="weatherget api", ${METADATA}`,
    });
  });

  it('asks for a nonce with use_dpop_nonce and the DPoP-Nonce header (RFC 9449 §9)', () => {
    const challenge = challengeFor(
      new BearerError('use_dpop_nonce', 'nonce', { dpopNonce: 'n-1' }),
      resource,
    );

    expect(challenge.status).toBe(401);
    expect(challenge.headers['dpop-nonce']).toBe('n-1');
    expect(challenge.headers['www-authenticate']).toMatch(/^DPoP error="use_dpop_nonce"/);
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
