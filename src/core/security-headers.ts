import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';

type Header = readonly [name: string, value: string | number | readonly string[]];

/**
 * Security response headers on every port (nosniff, frame denial, referrer policy, HSTS,
 * cross-origin isolation of resources). Content-Security-Policy is left to each page: the
 * sign-in pages send a strict one of their own, and a global one would break Swagger UI and the
 * SPA bundle.
 */
const HELMET_OPTIONS = {
  contentSecurityPolicy: false,
  // Browser clients on other ports/hosts of the same site fetch these resources with CORS.
  crossOriginResourcePolicy: { policy: 'same-site' },
  // Swagger UI signs in through a popup that must keep its opener while it visits the
  // AuthServer; COOP same-origin on the AuthServer's pages would sever it.
  crossOriginOpenerPolicy: false,
} as const;

/**
 * The headers helmet writes with these options depend on no request, so helmet runs once, here,
 * onto a recorder; a request then only copies them (helmet built per request was 2 % of a token
 * request's CPU).
 */
export function securityHeaders(): readonly Header[] {
  const headers: Header[] = [];
  const recorder = {
    setHeader: (name: string, value: Header[1]) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  helmet(HELMET_OPTIONS)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Written onto the raw response in an onRequest hook, so replies that bypass Fastify's reply
 * pipeline (oidc-provider's) carry them too.
 */
export function registerSecurityHeaders(app: NestFastifyApplication): void {
  const headers = securityHeaders();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.raw.setHeader(name, value);
      done();
    });
}
