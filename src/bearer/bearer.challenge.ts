import { HttpStatus } from '@nestjs/common';
import type { BearerError, BearerErrorCode } from './bearer.error';
import type { ResourceServerOptions } from './resource-server.options';
import { DPOP_SIGNING_ALGS } from '../config/dpop';
import { bearerChallenge, dpopChallenge } from './www-authenticate';

/** How long a client should wait before retrying a token we could not verify. */
const RETRY_AFTER_SECONDS = 5;

/** The answer to a refused request: status, headers and an RFC 6750-shaped body. */
export interface Challenge {
  readonly status: HttpStatus;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: {
    readonly error: BearerErrorCode;
    readonly error_description: string;
    readonly scope?: string;
  };
}

/** What a challenge says about the resource server itself. */
export type ChallengeContext = Pick<
  ResourceServerOptions,
  'resourceMetadataUrl' | 'challengeScopes'
>;

/**
 * The one mapping from a refusal to the response: RFC 6750 §3 `WWW-Authenticate: Bearer` with
 * RFC 9728 §5.1 `resource_metadata`, a DPoP challenge (RFC 9449 §7.1) beside it naming the
 * proof algorithms we take, `DPoP-Nonce` when a nonce is due (§9), and `Retry-After`
 * (RFC 9110 §10.2.3) when we could not verify.
 */
export function challengeFor(error: BearerError, resource: ChallengeContext): Challenge {
  const resourceMetadata = resource.resourceMetadataUrl;
  const scope = resource.challengeScopes.join(' ');
  const description = error.message;
  const body = { error: error.code, error_description: description };
  const algs = DPOP_SIGNING_ALGS;
  switch (error.code) {
    case 'unauthorized':
      // RFC 6750 §3.1: no error code when the request carried no authentication information.
      return {
        status: HttpStatus.UNAUTHORIZED,
        headers: {
          'www-authenticate': [
            bearerChallenge({ scope, resourceMetadata }),
            dpopChallenge({ algs }),
          ],
        },
        body,
      };
    case 'invalid_token': {
      const bearer = bearerChallenge({
        error: 'invalid_token',
        description,
        scope,
        resourceMetadata,
      });
      const dpop = error.aboutDpop
        ? dpopChallenge({ error: 'invalid_token', description, algs })
        : dpopChallenge({ algs });
      return {
        status: HttpStatus.UNAUTHORIZED,
        headers: { 'www-authenticate': [bearer, dpop] },
        body,
      };
    }
    case 'invalid_dpop_proof':
    case 'use_dpop_nonce': {
      // The client spoke DPoP: its challenge comes first, with what a Bearer one would say.
      const dpop = dpopChallenge({ error: error.code, description, algs, scope, resourceMetadata });
      return {
        status: HttpStatus.UNAUTHORIZED,
        headers: {
          'www-authenticate': dpop,
          ...(error.dpopNonce === undefined ? {} : { 'dpop-nonce': error.dpopNonce }),
        },
        body,
      };
    }
    case 'insufficient_scope':
      return {
        status: HttpStatus.FORBIDDEN,
        headers: {
          'www-authenticate': bearerChallenge({
            error: 'insufficient_scope',
            description,
            scope: error.scope,
            resourceMetadata,
          }),
        },
        body: { ...body, scope: error.scope },
      };
    case 'invalid_request':
      return {
        status: HttpStatus.BAD_REQUEST,
        headers: {
          'www-authenticate': bearerChallenge({
            error: 'invalid_request',
            description,
            resourceMetadata,
          }),
        },
        body,
      };
    case 'temporarily_unavailable':
      // Our failure, not the client's: no challenge, only when to ask again.
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
        body,
      };
  }
}
