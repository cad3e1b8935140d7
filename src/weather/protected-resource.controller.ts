import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/config';
import { protectedResourceMetadata } from '../bearer/protected-resource-metadata';

@ApiExcludeController()
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  metadata() {
    return protectedResourceMetadata({
      resource: this.config.apiResource,
      issuer: this.config.issuer,
      scopes: ['weatherget'],
      name: 'Weather API',
      documentation: `${this.config.apiBaseUrl}/swagger`,
    });
  }
}
