import type { FastifyReply } from 'fastify';
import { PAGE_HEADERS } from './views';

/** What an interaction route answers: a page with its status, or a redirect onwards. */
export type InteractionReply =
  | {
      readonly kind: 'page';
      readonly status: number;
      readonly html: string;
      /** Seconds, for a throttled sign-in (RFC 9110 §10.2.3). */
      readonly retryAfter?: number;
    }
  | { readonly kind: 'redirect'; readonly location: string };

export function pageReply(status: number, html: string, retryAfter?: number): InteractionReply {
  return { kind: 'page', status, html, ...(retryAfter === undefined ? {} : { retryAfter }) };
}

/** The controllers' one way to answer. */
export async function send(reply: FastifyReply, answer: InteractionReply): Promise<void> {
  switch (answer.kind) {
    case 'page':
      if (answer.retryAfter !== undefined)
        void reply.header('retry-after', String(answer.retryAfter));
      await reply.status(answer.status).headers(PAGE_HEADERS).send(answer.html);
      return;
    case 'redirect':
      // 303: the browser follows a form post with a GET (RFC 9110 §15.4.4).
      await reply.redirect(answer.location, 303);
      return;
  }
}
