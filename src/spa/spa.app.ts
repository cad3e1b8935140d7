import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SpaConfig } from '../config/config';
import { createRoleApp } from '../core/create-role-app';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countRoutesAs } from '../core/metrics/http-metrics';
import { RoleContext } from '../core/role-context';
import { SpaModule } from './spa.module';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>SPA not built</title>
<p>The SPA has not been built. Run <code>npm run build -w spa</code> (or <code>npm start</code>, which builds it).</p>`;

const CLIENT_ROUTES = '/*';

/**
 * Serves the built SPA (spa/dist). Client-side routes such as /signin-oidc get index.html, so
 * a reload or an OAuth redirect lands in the app.
 */
export async function createSpaApp(
  context: RoleContext,
  { config }: { readonly config: SpaConfig },
): Promise<NestFastifyApplication> {
  const { logger } = context;
  const app = await createRoleApp(SpaModule.forRoot(context), context);

  const built = existsSync(join(config.distDir, 'index.html'));
  if (!built) logger.warn({ dir: config.distDir }, 'SPA not built: serving a notice instead');

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  // The built files and the client-side routes, in a scope whose routes all count as the one
  // route `/*` in the metrics: a route per file would be a series per file name, and the
  // hashed names change with every build.
  await app.register(async (files: FastifyInstance) => {
    countRoutesAs(files, CLIENT_ROUTES);
    if (built) {
      await files.register(fastifyStatic, {
        root: config.distDir,
        wildcard: false,
        index: ['index.html'],
      });
    }
    // Every other GET is a client-side route: answer with the app. The built files themselves
    // are exact routes (wildcard: false), so they win over this one.
    files.get(CLIENT_ROUTES, (request: FastifyRequest, reply: FastifyReply) => {
      if (/\.[a-z0-9]+$/i.test(request.url.split('?')[0]!)) {
        return reply.status(404).send({ statusCode: 404, error: 'Not Found' });
      }
      if (!built) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  });
  return app;
}
