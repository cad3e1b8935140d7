import { Controller, Get, Header, Inject } from '@nestjs/common';
import { SHARED_CONFIG } from '../config/config.module';
import type { SharedConfig } from '../config/config';
import { apiScopes, weatherApiOf } from '../config/apis';
import { SCOPES } from '../config/protocol';

/** What the SPA needs to find the servers; read at run time so one build serves any setup. */
export interface SpaRuntimeConfig {
  readonly authority: string;
  readonly clientId: string;
  readonly apiBaseUrl: string;
  readonly mcpBaseUrl: string;
  /** What the SPA asks for at sign-in: the OpenID scopes and every API's (the APIs list). */
  readonly scope: string;
}

@Controller()
export class SpaConfigController {
  private readonly config: SpaRuntimeConfig;

  constructor(@Inject(SHARED_CONFIG) shared: SharedConfig) {
    // Its grant covers the weather API and the MCP server, whose tokens carry every API's scopes.
    const scopes = new Set([...SCOPES, ...weatherApiOf(shared).scopes, ...apiScopes(shared.apis)]);
    this.config = {
      authority: shared.issuer,
      clientId: shared.clientIds.interactive,
      apiBaseUrl: shared.apiBaseUrl,
      mcpBaseUrl: shared.mcpBaseUrl,
      scope: [...scopes].join(' '),
    };
  }

  @Get('spa-config.json')
  @Header('cache-control', 'no-cache')
  runtimeConfig(): SpaRuntimeConfig {
    return this.config;
  }
}
