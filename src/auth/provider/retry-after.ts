import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { STORE_RETRY_AFTER_SECONDS } from '../../storage/store-unavailable';

/**
 * Every 503 oidc-provider answers (temporarily_unavailable from a store that is away) says
 * when to come back (RFC 9110 §10.2.3), so clients back off instead of retrying at once.
 */
export function retryAfterOnUnavailable(provider: Provider): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    if (ctx.status === 503 && !ctx.response.get('retry-after')) {
      ctx.set('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    }
  });
}
