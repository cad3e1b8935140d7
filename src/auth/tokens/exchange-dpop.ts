import { errors, type AccessToken, type KoaContextWithOIDC, type Provider } from 'oidc-provider';
import validateDpop, { checkDpopReplay } from 'oidc-provider/lib/helpers/validate_dpop.js';

/**
 * RFC 9449 §5 for the token exchange grant, as oidc-provider's own grants do it: a token request
 * with a DPoP proof gets a token bound to the proof's key (`cnf.jkt`, `token_type` DPoP), the
 * proof used once; a client registered with `dpop_bound_access_tokens` gets no unbound token
 * (RFC 9449 §5.2).
 */
export async function bindToProofKey(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  token: AccessToken,
): Promise<void> {
  const client = ctx.oidc.client;
  if (!client) throw new errors.InvalidClient('client authentication required');
  const proof = await validateDpop(provider, ctx);
  if (!proof) {
    if (client.metadata().dpop_bound_access_tokens === true) {
      throw new errors.InvalidGrant('DPoP proof JWT not provided');
    }
    return;
  }
  await checkDpopReplay(provider, ctx, proof, client.clientId);
  token.setThumbprint('jkt', proof.thumbprint);
}
