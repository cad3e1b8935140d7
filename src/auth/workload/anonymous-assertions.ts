import type { IncomingMessage } from 'node:http';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { ROUTES } from '../../config/protocol';
import { JWT_BEARER_GRANT, WORKLOAD_CLIENT_ID } from '../catalog/grant-types';

export { WORKLOAD_CLIENT_ID };
/** oidc-provider's own limit on a token request body. */
const MAX_BODY_BYTES = 56 * 1024;
const RETRY_AFTER_SECONDS = '30';

/**
 * RFC 7523 §3.1 makes client authentication optional on the JWT bearer grant, and SEP-1933
 * workloads send none (no client_id at all); oidc-provider authenticates a client on every
 * token request. For such a request, and only for it, this names the public client
 * WORKLOAD_CLIENT_ID, which may use nothing but this grant: the assertion is the credential.
 * The body is read here (bounded as oidc-provider bounds it) and handed on unchanged but for
 * that one parameter. Also: a 503 from an issuer's unreachable keys says when to retry.
 */
export function acceptAnonymousAssertions(provider: Provider): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    if (ctx.method === 'POST' && ctx.path === ROUTES.token && mayLackClient(ctx)) {
      const body = await readBounded(ctx.req);
      if (body === undefined) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: 'request body is too large' };
        return;
      }
      replaceBody(ctx, withWorkloadClient(body));
    }
    await next();
    const error = (ctx.body as { error?: unknown } | undefined)?.error;
    // Only the JWT bearer grant fetches an issuer's keys; other 503s keep the store's hint.
    const grant = ctx.oidc?.params?.grant_type;
    if (ctx.status === 503 && error === 'temporarily_unavailable' && grant === JWT_BEARER_GRANT) {
      ctx.set('retry-after', RETRY_AFTER_SECONDS);
    }
  });
}

function mayLackClient(ctx: KoaContextWithOIDC): boolean {
  return ctx.get('authorization') === '' && ctx.is('application/x-www-form-urlencoded') !== false;
}

async function readBounded(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function withWorkloadClient(body: Buffer): Buffer {
  const params = new URLSearchParams(body.toString('utf8'));
  const anonymous =
    params.get('grant_type') === JWT_BEARER_GRANT &&
    !params.has('client_id') &&
    !params.has('client_assertion') &&
    !params.has('client_secret');
  if (!anonymous) return body;
  params.set('client_id', WORKLOAD_CLIENT_ID);
  return Buffer.from(params.toString(), 'utf8');
}

/**
 * oidc-provider reads the body from `ctx.req` as a stream with the declared length; a view of
 * the request whose stream yields `body` once serves it, everything else (headers, socket)
 * still the real request's.
 */
function replaceBody(ctx: KoaContextWithOIDC, body: Buffer): void {
  const real = ctx.req;
  const view = Object.create(real, {
    readable: { value: true },
    readableEncoding: { value: null },
    headers: { value: { ...real.headers, 'content-length': String(body.length) } },
    iterator: {
      value: async function* () {
        await Promise.resolve();
        yield body;
      },
    },
  }) as IncomingMessage;
  ctx.req = view;
  ctx.request.req = view;
}
