import type { FastifyInstance } from 'fastify';
import type { Role } from '../../config/config';
import { Metrics } from './metrics';

/** The label of requests no route matched: their paths are whatever a client sent. */
export const UNMATCHED_ROUTE = 'unmatched';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The `route` label of this route's requests, when not its own pattern (countRoutesAs). */
    metricsRoute?: string;
  }
}

/**
 * Counts every route registered from now on in `scope` (an encapsulated plugin and what it
 * registers) under the one label `route`. For plugins that add a route per file: their
 * patterns are as many as the files, and a label value per file is a series per file name.
 */
export function countRoutesAs(scope: FastifyInstance, route: string): void {
  scope.addHook('onRoute', (options) => {
    options.config = { ...options.config, metricsRoute: route };
  });
}

/**
 * Observes every response of one role: its route pattern (`/api/weatherforecast/:id`, never
 * the raw URL, which could hold anything), method, status and latency. onResponse runs for
 * hijacked replies too (oidc-provider writes its own), once the response is sent.
 */
export function observeHttp(fastify: FastifyInstance, metrics: Metrics, role: Role): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route =
      request.routeOptions.config.metricsRoute ?? request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.httpRequest(role, route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
}
