import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Security response headers on every port (nosniff, frame denial, referrer policy, HSTS,
 * cross-origin isolation of resources). Helmet writes them onto the raw response in an
 * onRequest hook, so replies that bypass Fastify's reply pipeline (oidc-provider's) carry them
 * too. Content-Security-Policy is left to each page: the sign-in pages send a strict one of
 * their own, and a global one would break Swagger UI and the SPA bundle.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: false,
    // Browser clients on other ports/hosts of the same site fetch these resources with CORS.
    crossOriginResourcePolicy: { policy: 'same-site' },
    // Swagger UI signs in through a popup that must keep its opener while it visits the
    // AuthServer; COOP same-origin on the AuthServer's pages would sever it.
    crossOriginOpenerPolicy: false,
  });
}
