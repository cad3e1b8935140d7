import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { SigningKeyRing } from '../keys/signing-key-ring';
import { AuditLog } from './audit-log';

interface RegisteredClient {
  readonly clientId: string;
  readonly clientName?: string;
  readonly redirectUris?: readonly string[];
  readonly grantTypes?: readonly string[];
}

/**
 * The AuthServer's security events that oidc-provider reports as events (dynamic
 * registrations, ended grants) and the signing keys this process learns of. Token exchanges
 * are reported by the grant itself (provider.factory.ts). Never a token, secret or key material.
 */
export function auditProviderEvents(
  provider: Provider,
  signingKeys: SigningKeyRing,
  audit: AuditLog,
): void {
  provider.on('registration_create.success', (ctx: KoaContextWithOIDC, client: RegisteredClient) =>
    audit.clientRegistered({
      clientId: client.clientId,
      clientName: client.clientName,
      redirectHosts: (client.redirectUris ?? []).map(hostOf),
      grantTypes: client.grantTypes ?? [],
      address: ctx.ip,
    }),
  );
  // Revoking a refresh token, logging out, and reusing a rotated refresh token all end a grant.
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) =>
    audit.tokenRevoked({ clientId: ctx.oidc?.client?.clientId, kind: 'grant', grantId }),
  );
  signingKeys.onNewKey = (kid) => audit.signingKeyUsed({ kid, purpose: 'rotate' });
}

function hostOf(uri: string): string {
  return URL.parse(uri)?.host ?? '(not a URL)';
}
