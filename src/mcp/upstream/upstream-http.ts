import { BadGatewayException, HttpException, ServiceUnavailableException } from '@nestjs/common';
import { UpstreamError } from './upstream.error';

/** How an upstream failure reads to an HTTP client of the REST twins and mirrored metadata. */
export function upstreamHttpException(error: UpstreamError): HttpException {
  switch (error.code) {
    case 'auth_server_unavailable':
    case 'api_unavailable':
      return new ServiceUnavailableException({
        error: 'temporarily_unavailable',
        error_description: error.message,
      });
    case 'exchange_refused':
    case 'api_unauthorized':
    case 'api_forbidden':
    case 'api_bad_response':
      return new BadGatewayException({
        error: 'upstream_refused',
        error_description: error.message,
      });
  }
}

/** Rethrows upstream failures as their HTTP form; anything else stays a 500 for the filter. */
export async function orUpstreamHttpError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw error instanceof UpstreamError ? upstreamHttpException(error) : error;
  }
}
