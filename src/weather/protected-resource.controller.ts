import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SHARED_CONFIG } from '../config/config.module';
import type { SharedConfig } from '../config/config';
import type { ProtectedApi } from '../config/apis';
import { protectedResourceMetadata } from '../bearer/protected-resource-metadata';
import { WEATHER_API } from './weather-api.entry';

@ApiExcludeController()
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(
    @Inject(SHARED_CONFIG) private readonly config: SharedConfig,
    @Inject(WEATHER_API) private readonly weather: ProtectedApi,
  ) {}

  @Get()
  metadata() {
    return protectedResourceMetadata({
      resource: this.config.apiResource,
      issuer: this.config.issuer,
      // RFC 9728 §2: every scope a client may ask for to use this API.
      scopes: this.weather.scopes,
      name: this.weather.title,
      documentation: `${this.config.apiBaseUrl}/swagger`,
    });
  }
}
