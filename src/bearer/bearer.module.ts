import { DynamicModule, Module } from '@nestjs/common';
import { REVOCATION_VIEW, type RevocationView } from '../storage/revocation-view';
import { AccessTokenVerifier } from './access-token.verifier';
import { BearerGuard } from './bearer.guard';
import { BEARER_CACHES, DPOP_PROOF_CHECK, RESOURCE_SERVER, TOKEN_VERIFIER } from './bearer.tokens';
import { DpopProofCheck, type DpopProofOptions } from './dpop-proof.check';
import { issuerKeysProvider, oidcDiscoveryProvider } from './issuer-keys.provider';
import type { BearerCacheBounds, ResourceServerOptions } from './resource-server.options';

export interface BearerModuleOptions {
  /** Who this resource server is to its tokens and in its challenges. */
  readonly resource: ResourceServerOptions;
  /** Consulted for every token on every request. */
  readonly revocations: RevocationView;
  /** Seen proofs and nonces, for DPoP-bound tokens (RFC 9449 §7.1). */
  readonly dpop: DpopProofOptions;
  /** Entries its caches hold at most (VERIFIED_TOKENS_MAX, DPOP_PROOF_KEYS_MAX). */
  readonly caches: BearerCacheBounds;
  /**
   * The role's own discovery of the issuer: a module exporting ISSUER_DISCOVERY. Absent: the
   * bearer module discovers the issuer itself (OpenID Connect Discovery 1.0 §4).
   */
  readonly discovery?: DynamicModule;
}

/**
 * Bearer- and DPoP-token protection for one resource server: import it into the role's module, put
 * `@UseGuards(BearerGuard)` on a controller or route and `@RequireScopes(...)` on the routes
 * that need scopes. Needs CoreModule (metrics, role, readiness).
 */
@Module({})
export class BearerModule {
  static forResource({
    resource,
    revocations,
    dpop,
    caches,
    discovery,
  }: BearerModuleOptions): DynamicModule {
    return {
      module: BearerModule,
      imports: discovery ? [discovery] : [],
      providers: [
        ...(discovery ? [] : [oidcDiscoveryProvider]),
        { provide: RESOURCE_SERVER, useValue: resource },
        { provide: REVOCATION_VIEW, useValue: revocations },
        { provide: BEARER_CACHES, useValue: caches },
        issuerKeysProvider,
        {
          provide: DPOP_PROOF_CHECK,
          useFactory: () =>
            new DpopProofCheck(
              [
                resource.publicBaseUrl,
                ...(resource.internalBaseUrl ? [resource.internalBaseUrl] : []),
              ],
              resource.audience,
              dpop,
              caches.dpopProofKeys,
            ),
        },
        { provide: TOKEN_VERIFIER, useClass: AccessTokenVerifier },
        BearerGuard,
      ],
      // A guard named in @UseGuards is built in the controller's module: what it injects is
      // exported with it.
      exports: [BearerGuard, TOKEN_VERIFIER, RESOURCE_SERVER],
    };
  }
}
