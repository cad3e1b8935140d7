import type { FastifyInstance } from 'fastify';
import type { Role } from '../../config/config';
import { Metrics } from './metrics';

/** The label of requests no route matched: their paths are whatever a client sent. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Observes every response of one role: its route pattern (`/api/weatherforecast/:id`, never
 * the raw URL, which could hold anything), method, status and latency. onResponse runs for
 * hijacked replies too (oidc-provider writes its own), once the response is sent.
 */
export function observeHttp(fastify: FastifyInstance, metrics: Metrics, role: Role): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.httpRequest(role, route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
}
