import { DynamicModule, Module } from '@nestjs/common';
import { ISSUER_DISCOVERY } from '../../bearer/bearer.tokens';
import type { McpConfig } from '../../config/config';
import { MCP_CONFIG } from '../../config/config.module';
import { AuthorizationServerMetadata } from './authorization-server-metadata';

/**
 * The MCP role's one discovery of the AuthServer, imported by McpModule (token exchange,
 * mirrored metadata) and by its BearerModule (ISSUER_DISCOVERY: the issuer's keys).
 */
@Module({})
export class AuthorizationServerModule {
  static forRoot(config: McpConfig): DynamicModule {
    return {
      module: AuthorizationServerModule,
      providers: [
        { provide: MCP_CONFIG, useValue: config },
        AuthorizationServerMetadata,
        { provide: ISSUER_DISCOVERY, useExisting: AuthorizationServerMetadata },
      ],
      exports: [MCP_CONFIG, AuthorizationServerMetadata, ISSUER_DISCOVERY],
    };
  }
}
