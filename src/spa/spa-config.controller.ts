import { Controller, Get, Header, Inject } from '@nestjs/common';
import { SHARED_CONFIG } from '../config/config.module';
import type { SharedConfig } from '../config/config';

/** What the SPA needs to find the servers; read at run time so one build serves any setup. */
export interface SpaRuntimeConfig {
  readonly authority: string;
  readonly clientId: string;
  readonly apiBaseUrl: string;
  readonly mcpBaseUrl: string;
}

@Controller()
export class SpaConfigController {
  constructor(@Inject(SHARED_CONFIG) private readonly config: SharedConfig) {}

  @Get('spa-config.json')
  @Header('cache-control', 'no-cache')
  runtimeConfig(): SpaRuntimeConfig {
    return {
      authority: this.config.issuer,
      clientId: this.config.clientIds.interactive,
      apiBaseUrl: this.config.apiBaseUrl,
      mcpBaseUrl: this.config.mcpBaseUrl,
    };
  }
}
