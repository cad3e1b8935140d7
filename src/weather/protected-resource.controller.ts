import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SHARED_CONFIG } from '../config/config.module';
import type { SharedConfig } from '../config/config';
import { RESOURCES } from '../config/protocol';
import { protectedResourceMetadata } from '../bearer/protected-resource-metadata';

@ApiExcludeController()
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(@Inject(SHARED_CONFIG) private readonly config: SharedConfig) {}

  @Get()
  metadata() {
    return protectedResourceMetadata({
      resource: this.config.apiResource,
      issuer: this.config.issuer,
      scopes: RESOURCES.api.challengeScopes,
      name: RESOURCES.api.name,
      documentation: `${this.config.apiBaseUrl}/swagger`,
    });
  }
}
