import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { UpstreamError } from './upstream.error';

/** How long a client should wait before asking again while something behind us is down. */
const RETRY_AFTER_SECONDS = 5;

/** How a failure behind this server reads to an HTTP client: status, headers, error body. */
export interface HttpRefusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: string; readonly error_description: string };
}

/**
 * A service this server depends on is out of reach: 503 with `Retry-After` (RFC 9110 §15.6.4,
 * §10.2.3), which tells the client the failure is temporary and not theirs.
 */
export function unavailable(description: string): HttpRefusal {
  return {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    body: { error: 'temporarily_unavailable', error_description: description },
  };
}

/** A service behind this server answered, but not usably (RFC 9110 §15.6.3). */
export function badGateway(description: string): HttpRefusal {
  return {
    status: HttpStatus.BAD_GATEWAY,
    headers: {},
    body: { error: 'upstream_refused', error_description: description },
  };
}

export function upstreamRefusal(error: UpstreamError): HttpRefusal {
  switch (error.code) {
    case 'auth_server_unavailable':
      return unavailable(error.message);
    case 'exchange_refused':
    case 'connection_required':
      return badGateway(error.message);
  }
}

/** Sends the refusal through the one exception filter, with its headers set on the reply. */
export function refuse(reply: FastifyReply, refusal: HttpRefusal): never {
  void reply.headers(refusal.headers);
  throw new HttpException(refusal.body, refusal.status);
}

/** Rethrows upstream failures as their HTTP form; anything else stays a 500 for the filter. */
export async function orUpstreamRefusal<T>(reply: FastifyReply, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof UpstreamError) refuse(reply, upstreamRefusal(error));
    throw error;
  }
}
