import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SHARED_CONFIG } from '../../../config/config.module';
import type { SharedConfig } from '../../../config/config';
import { CsrfTokens } from '../csrf';
import { LIMITS, textField } from '../interaction-forms';
import { InteractionError } from '../interaction.errors';

/**
 * Interaction forms must come from our own pages: the browser's Origin, when it sends one, is
 * ours, and the form carries the CSRF token issued for the interaction in the URL. Two
 * defences, because the interaction cookie is SameSite=Lax and Origin is absent on some posts.
 */
@Injectable()
export class SameSiteFormGuard implements CanActivate {
  private readonly origin: string;

  constructor(
    @Inject(SHARED_CONFIG) config: SharedConfig,
    private readonly csrf: CsrfTokens,
  ) {
    this.origin = new URL(config.issuer).origin;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest<{ Params: { uid?: string } }>>();
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== this.origin) {
      throw new InteractionError('cross_site_form', 'The form was posted from another site.');
    }
    const token = textField(request.body, 'csrf', LIMITS.csrf);
    if (!this.csrf.verify(request.params.uid ?? '', token)) {
      throw new InteractionError('expired_form', 'The form has expired. Start the sign-in again.');
    }
    return true;
  }
}
