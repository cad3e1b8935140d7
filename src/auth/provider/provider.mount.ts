import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from 'oidc-provider';
import { limitViolation } from './request-limits';
import { RegistrationThrottle } from './registration-throttle';
import { ROUTES } from './routes';

export interface MountOptions {
  readonly registrationThrottle: RegistrationThrottle;
}

/**
 * Mounts oidc-provider at the root of a Fastify instance as an encapsulated plugin. Inside it no
 * body parser runs, so oidc-provider reads the request stream itself; every path it does not
 * share with a more specific Nest route (interaction pages, /health) goes to provider.callback().
 * Size limits and the registration rate limit run first, before oidc-provider reads anything.
 * The provider's own `paths` are routes of their own, so metrics see each endpoint apart.
 */
export function oidcProviderPlugin(
  provider: Provider,
  paths: readonly string[],
  options: MountOptions,
) {
  const callback = provider.callback();
  const handle = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    void callback(request.raw, reply.raw);
  };
  return (instance: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null, undefined));
    instance.addHook('onRequest', (request, reply, next) => {
      const violation = limitViolation({ url: request.raw.url ?? '', headers: request.headers });
      if (violation) return answer(reply, { ...violation, error: 'invalid_request' });
      if (!isRegistration(request)) return next();
      // Only registrations wait for the store: every other request goes on at once.
      options.registrationThrottle.take(request.ip).then(
        (verdict) =>
          verdict.allowed ? next() : answer(reply, tooManyRegistrations(verdict.retryAfterSeconds)),
        () => answer(reply, COUNT_UNAVAILABLE),
      );
    });
    for (const path of paths) instance.all(path, handle);
    instance.all('/', handle);
    instance.all('/*', handle);
    done();
  };
}

interface Refusal {
  readonly status: number;
  readonly error: 'invalid_request' | 'temporarily_unavailable';
  readonly description: string;
  readonly retryAfterSeconds?: number;
}

function answer(reply: FastifyReply, refusal: Refusal): void {
  if (refusal.retryAfterSeconds) reply.header('retry-after', String(refusal.retryAfterSeconds));
  void reply
    .code(refusal.status)
    .header('cache-control', 'no-store')
    .send({ error: refusal.error, error_description: refusal.description });
}

function isRegistration(request: FastifyRequest): boolean {
  return request.method === 'POST' && request.url.split('?')[0] === ROUTES.registration;
}

/** RFC 6585 §4: 429 with Retry-After. */
function tooManyRegistrations(retryAfterSeconds: number): Refusal {
  return {
    status: 429,
    error: 'invalid_request',
    description: 'too many client registrations from this address, try again later',
    retryAfterSeconds,
  };
}

/** The store could not count the attempt: refuse rather than register without a limit. */
const COUNT_UNAVAILABLE: Refusal = {
  status: 503,
  error: 'temporarily_unavailable',
  description: 'client registration is unavailable right now, try again later',
  retryAfterSeconds: 5,
};
