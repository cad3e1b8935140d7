import type { FastifyRequest } from 'fastify';
import { BearerError } from './bearer.error';

/**
 * What a request presents to a resource server: an access token under the `Bearer` scheme
 * (RFC 6750 §2.1) or the `DPoP` scheme (RFC 9449 §7.1), and what a DPoP proof is checked
 * against.
 */
export interface Credentials {
  readonly scheme: 'Bearer' | 'DPoP';
  /** The access token; empty under a `DPoP` header that carries no single token. */
  readonly token: string;
  /** The `DPoP` header (RFC 9449 §4.1): more than one value must be refused (§4.3). */
  readonly proof: string | string[] | undefined;
  /** The proof's `htm` must equal this (RFC 9449 §4.3). */
  readonly method: string;
  /**
   * The request target as received (path and query). The proof's `htu` is compared with this
   * server's public base URL plus the path, never with the Host header (RFC 9449 §4.3).
   */
  readonly url: string;
}

/** The request parts credentials are read from. */
export type CredentialsSource = Pick<FastifyRequest, 'headers' | 'query' | 'method' | 'url'>;

/** Tokens anywhere but the Authorization header are refused; so is a request without one. */
export function credentialsOf(request: CredentialsSource): Credentials {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && 'access_token' in query) {
    // RFC 6750 §2.3 allows URI tokens, the MCP authorization spec forbids them.
    throw new BearerError(
      'invalid_request',
      'access tokens are accepted only in the Authorization header',
    );
  }
  const header = request.headers.authorization ?? '';
  // RFC 9449 §7.1: a token bound to a key, never to be read as a bearer token.
  if (/^DPoP(\s|$)/i.test(header)) {
    return credentials('DPoP', /^DPoP\s+(\S+)$/i.exec(header)?.[1] ?? '', request);
  }
  // Linear: no nested quantifiers.
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) throw new BearerError('unauthorized', 'a Bearer access token is required');
  return credentials('Bearer', token, request);
}

function credentials(
  scheme: Credentials['scheme'],
  token: string,
  request: CredentialsSource,
): Credentials {
  return { scheme, token, proof: request.headers.dpop, method: request.method, url: request.url };
}
