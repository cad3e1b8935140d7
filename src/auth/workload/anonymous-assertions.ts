import type { IncomingHttpHeaders } from 'node:http';
import { Provider, type KoaContextWithOIDC } from 'oidc-provider';
import { JWT_BEARER_GRANT, WORKLOAD_CLIENT_ID } from '../catalog/grant-types';

export { WORKLOAD_CLIENT_ID };
const RETRY_AFTER_SECONDS = '30';

/** oidc-provider's name of the token endpoint's route (`ctx.oidc.route`). */
const TOKEN_ROUTE = 'token';

type Body = Record<string, unknown>;

/**
 * Whether a token request names no client at all and uses the JWT bearer grant. RFC 7523 §3.1
 * makes client authentication optional on that grant, and SEP-1933 workloads send none (no
 * client_id either); oidc-provider authenticates a client on every token request. Such a
 * request, and only such a one, is taken as from the public client WORKLOAD_CLIENT_ID, which may
 * use nothing but this grant: the assertion is the credential. Any client credential (header or
 * body, even an empty one) leaves the request to oidc-provider's client authentication as sent.
 */
export function isAnonymousAssertion(headers: IncomingHttpHeaders, body: Body): boolean {
  return (
    headers.authorization === undefined &&
    body.grant_type === JWT_BEARER_GRANT &&
    body.client_id === undefined &&
    body.client_assertion === undefined &&
    body.client_secret === undefined
  );
}

/**
 * Anonymous JWT bearer requests name WORKLOAD_CLIENT_ID. The client is named where oidc-provider
 * stores the token request's parsed body (`ctx.oidc.body`), before it assembles the parameters
 * and authenticates the client: the body is read and parsed once, by oidc-provider, within its
 * own size limit (56 KiB), and every other request passes untouched. oidc-provider makes each
 * request's `ctx.oidc` from `provider.OIDCContext`, which is replaced here by a subclass.
 */
export function acceptAnonymousAssertions(provider: Provider): void {
  Object.defineProperty(provider, 'OIDCContext', {
    value: withWorkloadClient(provider.OIDCContext),
  });
}

const BODY = Symbol('body');

function withWorkloadClient(Context: Provider['OIDCContext']): Provider['OIDCContext'] {
  class WorkloadClientContext extends Context {
    declare readonly ctx: KoaContextWithOIDC;
    [BODY]: Body | undefined;
  }
  // An accessor where oidc-provider declares (and TypeScript types) a plain property.
  Object.defineProperty(WorkloadClientContext.prototype, 'body', {
    get(this: WorkloadClientContext) {
      return this[BODY];
    },
    set(this: WorkloadClientContext, value: Body | undefined) {
      if (value && this.route === TOKEN_ROUTE && isAnonymousAssertion(this.ctx.headers, value)) {
        value.client_id = WORKLOAD_CLIENT_ID;
      }
      this[BODY] = value;
    },
  });
  return WorkloadClientContext;
}

/** A 503 from an issuer's unreachable keys says when to retry (RFC 9110 §10.2.3). */
export function retryAfterUnreachableIssuers(provider: Provider): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    if (ctx.status !== 503) return;
    const error = (ctx.body as { error?: unknown } | undefined)?.error;
    // Only the JWT bearer grant fetches an issuer's keys; other 503s keep the store's hint.
    const grant = ctx.oidc?.params?.grant_type;
    if (error === 'temporarily_unavailable' && grant === JWT_BEARER_GRANT) {
      ctx.set('retry-after', RETRY_AFTER_SECONDS);
    }
  });
}
