import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { clientAddress } from './client-address';
import type { RegistrationThrottle } from './registration-throttle';

/** How long to wait when the store cannot count a registration. */
const UNAVAILABLE_RETRY_SECONDS = 5;

/**
 * The registration limit, inside oidc-provider's registration action (RFC 7591 §3): its
 * `issueRegistrationAccessToken` hook is the one asynchronous step that action runs for every
 * registration, before the client is built or stored. Counting there, rather than by matching
 * a path, counts every request oidc-provider's router takes for a registration, however the
 * path is spelled (case, trailing slash). Past the limit: 429 with Retry-After (RFC 6585 §4);
 * a store that cannot count: 503, rather than registering without a limit.
 */
export function throttledRegistration(throttle: RegistrationThrottle) {
  return async (ctx: KoaContextWithOIDC): Promise<boolean> => {
    let verdict;
    try {
      verdict = await throttle.take(clientAddress(ctx.req));
    } catch (cause) {
      ctx.set('retry-after', String(UNAVAILABLE_RETRY_SECONDS));
      const error = new errors.TemporarilyUnavailable(
        'client registration is unavailable right now, try again later',
        { cause },
      );
      error.status = error.statusCode = 503;
      throw error;
    }
    if (!verdict.allowed) {
      ctx.set('retry-after', String(verdict.retryAfterSeconds));
      throw new errors.InvalidRequest(
        'too many client registrations from this address, try again later',
        429,
      );
    }
    // What oidc-provider does by default: a registration access token (RFC 7592) for reading it.
    return true;
  };
}
