/**
 * oidc-provider's own DPoP proof validation (RFC 9449 §4.3, §5) at the token endpoint, which its
 * built-in grants use; custom grants are not handed it, so the token exchange imports it.
 */
declare module 'oidc-provider/lib/helpers/validate_dpop.js' {
  import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

  export interface ValidatedDpop {
    readonly thumbprint: string;
    readonly jti: string;
    readonly iat: number;
  }

  export default function validateDpop(
    provider: Provider,
    ctx: KoaContextWithOIDC,
    accessToken?: string,
  ): Promise<ValidatedDpop | undefined>;

  export function checkDpopReplay(
    provider: Provider,
    ctx: KoaContextWithOIDC,
    dPoP: ValidatedDpop,
    clientId: string,
  ): Promise<void>;
}
