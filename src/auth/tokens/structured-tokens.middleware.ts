import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { RevocationList } from '../../storage/revocation-list';
import { IssuedTokenError, IssuedTokenVerifier } from './issued-tokens';
import type { TokenAccessPolicy } from './token-access.policy';

/**
 * oidc-provider answers `unsupported_token_type` when asked to introspect or revoke a JWT
 * access token, because it does not store them. Once it has authenticated the client and
 * refused the token, this middleware answers instead:
 * - introspection (RFC 7662): verifies the token and reports it, `active: false` when expired,
 *   revoked or not ours;
 * - revocation (RFC 7009): puts the token's `jti` on the revocation list until it expires, which
 *   both introspection and our resource servers consult.
 * The same access policy as for stored tokens decides who may look (token-access.policy.ts).
 */
export function structuredTokenEndpoints(
  verifier: IssuedTokenVerifier,
  revocations: RevocationList,
  mayAccess: TokenAccessPolicy,
) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const route = ctx.oidc?.route;
    if (route !== 'introspection' && route !== 'revocation') return;
    if (
      ctx.status !== 400 ||
      (ctx.body as { error?: string } | undefined)?.error !== 'unsupported_token_type'
    )
      return;

    const token = ctx.oidc.params?.token;
    const client = ctx.oidc.client;
    if (typeof token !== 'string' || !client || !IssuedTokenVerifier.looksLikeJwt(token)) return;

    let claims;
    try {
      claims = await verifier.verify(token, { checkRevoked: route === 'introspection' });
    } catch (error) {
      if (!(error instanceof IssuedTokenError)) throw error;
      claims = undefined;
    }

    const allowed =
      claims !== undefined &&
      mayAccess(client.clientId, { clientId: claims.client_id, aud: claims.aud });

    ctx.status = 200;
    ctx.set('cache-control', 'no-store');
    if (route === 'revocation') {
      if (claims && allowed) await revocations.revoke(claims.jti, claims.exp);
      ctx.body = '';
      return;
    }
    ctx.body =
      claims && allowed
        ? {
            active: true,
            token_type: 'Bearer',
            sub: claims.sub,
            client_id: claims.client_id,
            scope: claims.scope,
            aud: claims.aud,
            iss: claims.iss,
            exp: claims.exp,
            iat: claims.iat,
            jti: claims.jti,
            ...(claims.act ? { act: claims.act } : {}),
          }
        : { active: false };
  };
}

export function useStructuredTokenEndpoints(
  provider: Provider,
  ...args: Parameters<typeof structuredTokenEndpoints>
): void {
  provider.use(structuredTokenEndpoints(...args));
}
