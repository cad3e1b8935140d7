import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { asStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '../storage/store-unavailable';

/**
 * The one place errors become responses. HttpExceptions keep their status and body; a store
 * that does not answer is a 503; anything else is logged and answered with a bare 500 that
 * reveals nothing. Every 503 says when to come back (RFC 9110 §10.2.3), unless the handler
 * already did.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const status = exception.getStatus();
      if (status === 503) retryLater(reply);
      void reply.status(status).send(typeof body === 'string' ? { message: body } : body);
      return;
    }
    const unavailable = asStoreUnavailable(exception);
    if (unavailable) {
      this.logger.warn(`store unavailable: ${describe(unavailable.cause)}`);
      retryLater(reply);
      void reply
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .send({ statusCode: 503, error: 'Service Unavailable' });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    void reply
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .send({ statusCode: 500, error: 'Internal Server Error' });
  }
}

function retryLater(reply: FastifyReply): void {
  if (!reply.hasHeader('retry-after')) {
    void reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
