import { badGateway, HttpRefusal, unavailable } from '../upstream/upstream-http';
import type { ToolFailure } from './tool-outcome';

/**
 * A failed operation call as a REST twin answers it. Only the failure's own title travels: the
 * API's problem fields are for a model that can act on them, and they are the API's words.
 * The caller's token was fine (the guard checked it), so nothing here is a 401 or 403 that
 * would send the client to sign in again.
 */
export function toolFailureRefusal(failure: ToolFailure): HttpRefusal {
  const description = failure.details.title ?? `HTTP ${failure.status}`;
  switch (failure.code) {
    case 'unavailable':
      return unavailable(description);
    case 'api_error':
      // A 5xx is the API failing for now; any other status is a request it will keep refusing.
      return failure.status >= 500
        ? unavailable(`the API answered HTTP ${failure.status}`)
        : badGateway(`the API answered HTTP ${failure.status}`);
    case 'refused':
    case 'bad_answer':
    case 'bad_arguments':
    case 'not_offered':
    case 'not_connected':
      return badGateway(description);
  }
}
