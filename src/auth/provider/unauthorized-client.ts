import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/**
 * RFC 6749 §4.1.2.1 and §5.2: a client asking for a grant it is not registered for gets
 * `unauthorized_client`. oidc-provider answers `invalid_request` both at the token endpoint
 * (grant_type not among the client's grant types) and at the authorization endpoint
 * (response_type not among its response types); these checks tell those cases apart by the
 * client's metadata, never by the error message.
 */
export function usesDisallowedGrant(ctx: KoaContextWithOIDC, error: string): boolean {
  const client = ctx.oidc?.client;
  const params = ctx.oidc?.params;
  if (error !== 'invalid_request' || !client || !params) return false;
  const { grant_type: grantType, response_type: responseType } = params;
  switch (ctx.oidc.route) {
    case 'token':
      return typeof grantType === 'string' && !client.grantTypeAllowed(grantType);
    case 'authorization':
    case 'pushed_authorization_request':
      return (
        typeof responseType === 'string' &&
        !(client.responseTypes ?? []).some((allowed) => allowed === responseType)
      );
    default:
      return false;
  }
}

/** The endpoints that answer in JSON (token, pushed authorization requests). */
export function reportUnauthorizedClients(provider: Provider): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    if (ctx.status !== 400) return;
    const body = ctx.body as { error?: unknown } | undefined;
    if (typeof body?.error === 'string' && usesDisallowedGrant(ctx, body.error)) {
      ctx.body = { ...body, error: 'unauthorized_client' };
    }
  });
}
