import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { errors } from 'oidc-provider';
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

/**
 * The interaction routes' refusals as pages (not the JSON the global filter gives): our own
 * coded errors, and oidc-provider's SessionNotFound when its interaction cookie is gone.
 */
@Catch(InteractionError, errors.SessionNotFound)
export class InteractionExceptionFilter implements ExceptionFilter {
  catch(exception: InteractionError | errors.SessionNotFound, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const page =
      exception instanceof InteractionError
        ? refusalPage(exception.code, exception.detail)
        : refusalPage('session_not_found');
    void reply
      .status(page.status)
      .headers(PAGE_HEADERS)
      .send(messagePage(page.title, page.message));
  }
}
