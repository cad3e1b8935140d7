import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from 'oidc-provider';
import { recordClientAddress } from './client-address';
import { limitViolation } from '../catalog/request-limits';

/**
 * Mounts oidc-provider at the root of a Fastify instance as an encapsulated plugin. Inside it no
 * body parser runs, so oidc-provider reads the request stream itself; every path it does not
 * share with a more specific Nest route (interaction pages, /health) goes to provider.callback().
 * Size limits run first, before oidc-provider reads anything; the client address Fastify decided
 * goes along for oidc-provider's hooks (the registration limit, registration-gate.ts). The
 * provider's own `paths` are routes of their own, so metrics see each endpoint apart.
 */
export function oidcProviderPlugin(provider: Provider, paths: readonly string[]) {
  const callback = provider.callback();
  const handle = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    recordClientAddress(request.raw, request.ip);
    void callback(request.raw, reply.raw);
  };
  return (instance: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null, undefined));
    instance.addHook('onRequest', (request, reply, next) => {
      const violation = limitViolation({ url: request.raw.url ?? '', headers: request.headers });
      if (!violation) return next();
      void reply
        .code(violation.status)
        .header('cache-control', 'no-store')
        .send({ error: 'invalid_request', error_description: violation.description });
    });
    for (const path of paths) instance.all(path, handle);
    instance.all('/', handle);
    instance.all('/*', handle);
    done();
  };
}
