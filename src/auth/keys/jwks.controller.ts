import { Controller, Get, Header } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { SigningKeyRing } from './signing-key-ring';

/**
 * The JWKS (RFC 7517 §5) from the live keyset, at the path oidc-provider would use; this route
 * is more specific than the provider's catch-all mount, so it wins. Pending, active and previous
 * keys are listed; retired keys are not.
 */
@Controller('.well-known/openid-configuration/jwks')
export class JwksController {
  constructor(private readonly ring: SigningKeyRing) {}

  @Get()
  @Header('content-type', 'application/jwk-set+json; charset=utf-8')
  // Anyone may verify our tokens, from any origin (as oidc-provider's own route allows).
  @Header('access-control-allow-origin', '*')
  // Short, so caches in front never hide a pending key for long.
  @Header('cache-control', 'public, max-age=60')
  jwks(): JSONWebKeySet {
    return this.ring.publicJwks();
  }
}
