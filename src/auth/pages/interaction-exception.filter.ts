import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { errors } from 'oidc-provider';
import { StoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '../../storage/store-unavailable';
import { InteractionError, type InteractionErrorCode } from './interaction.errors';
import { messagePage, PAGE_HEADERS } from './views';

interface RefusalPage {
  readonly status: number;
  readonly title: string;
  readonly message: string;
}

const EXPIRED = 'This sign-in is no longer valid. Start again from the application.';

export function refusalPage(code: InteractionErrorCode, detail?: string): RefusalPage {
  switch (code) {
    case 'cross_site_form':
      return {
        status: 403,
        title: 'Request refused',
        message: detail ?? 'Posted from another site.',
      };
    case 'expired_form':
      return { status: 403, title: 'Request refused', message: detail ?? 'The form has expired.' };
    case 'invalid_form':
      return {
        status: 400,
        title: 'Form not accepted',
        message: detail ?? 'The form could not be read.',
      };
    case 'invalid_link':
      return {
        status: 400,
        title: 'Link not valid',
        message: detail ?? 'The link could not be read.',
      };
    case 'session_not_found':
      return { status: 400, title: 'Sign-in expired', message: EXPIRED };
    case 'other_interaction':
      return {
        status: 400,
        title: 'Sign-in expired',
        message: 'This sign-in page does not belong to the current sign-in.',
      };
  }
}

const UNAVAILABLE: RefusalPage = {
  status: 503,
  title: 'Try again shortly',
  message: 'Sign-in is unavailable for a moment. Try again in a few seconds.',
};

type PageError =
  InteractionError | errors.SessionNotFound | errors.TemporarilyUnavailable | StoreUnavailable;

function pageFor(exception: PageError): RefusalPage {
  if (exception instanceof InteractionError) return refusalPage(exception.code, exception.detail);
  if (exception instanceof errors.SessionNotFound) return refusalPage('session_not_found');
  return UNAVAILABLE;
}

/**
 * The interaction routes' refusals as pages (not the JSON the global filter gives): our own
 * coded errors, oidc-provider's SessionNotFound when its interaction cookie is gone, and a
 * store that does not answer (our own reads, or oidc-provider's through the adapter), which
 * is a 503 with Retry-After: the same form works once the store is back.
 */
@Catch(InteractionError, errors.SessionNotFound, errors.TemporarilyUnavailable, StoreUnavailable)
export class InteractionExceptionFilter implements ExceptionFilter {
  catch(exception: PageError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const page = pageFor(exception);
    if (page.status === 503) void reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    void reply
      .status(page.status)
      .headers(PAGE_HEADERS)
      .send(messagePage(page.title, page.message));
  }
}
