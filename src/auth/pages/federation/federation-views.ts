import { markup } from '../html';
import { page } from '../views';
import type { FederationErrorCode } from '../../federation/federation.error';

export function federationStatus(code: FederationErrorCode): number {
  switch (code) {
    case 'unreachable':
    case 'timeout':
    case 'invalid_response':
    case 'wrong_issuer':
    case 'invalid_id_token':
    case 'upstream_refused':
      return 502;
    case 'unknown_idp':
    case 'state_unknown':
    case 'other_browser':
    case 'interaction_gone':
      return 400;
    case 'not_linked':
    case 'email_domain_refused':
      return 403;
  }
}

/** What went wrong, and a way back: the login page of the same sign-in while it lasts. */
export function federationErrorPage(message: string, retryHref: string | undefined): string {
  return page(
    'Sign-in failed',
    markup`<h1>Sign-in did not finish</h1>
      <p class="lead" role="alert">${message}</p>
      ${
        retryHref
          ? markup`<p><a class="retry" href="${retryHref}">Try again</a></p>`
          : markup`<p>Start again from the application.</p>`
      }`,
  );
}
