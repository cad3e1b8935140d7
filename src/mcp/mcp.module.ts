import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { CoreModule } from '../app/core.module';
import { RoleContext } from '../app/shared';
import { RESOURCE_SERVER, ResourceServerOptions } from '../auth/resource-server.options';
import { AuthorizationServerMetadata } from './authorization-server-metadata';
import { AuthorizationServerMetadataController } from './authorization-server-metadata.controller';
import { MCP_SCOPES, McpJwtStrategy } from './mcp-auth';
import { McpEndpoint, resourceMetadataUrl } from './mcp.endpoint';
import { McpOriginGuard } from './origin.guard';
import { OriginPolicy } from './origin-policy';
import { McpProtectedResourceController } from './protected-resource.controller';
import { RestTwinsController } from './rest-twins.controller';
import { SessionTools } from './session.tools';
import { TokenExchangeClient } from './token-exchange.client';
import { WeatherApiClient } from './weather-api.client';
import { WeatherTools } from './weather.tools';

/** Root module of the MCP role: the MCP endpoint, its tools, REST twins and metadata. */
@Module({})
export class McpModule {
  static forRoot(context: RoleContext, endpoint: McpEndpoint): DynamicModule {
    const { config } = context;
    const resourceServer: ResourceServerOptions = {
      issuer: config.issuer,
      jwksUri: `${config.issuerInternalUrl}/.well-known/openid-configuration/jwks`,
      audience: config.mcpResource,
      resourceMetadataUrl: resourceMetadataUrl(config),
      challengeScopes: MCP_SCOPES,
    };
    return {
      module: McpModule,
      imports: [CoreModule.forRole(context), PassportModule],
      controllers: [
        endpoint.controller,
        WeatherTools,
        SessionTools,
        RestTwinsController,
        McpProtectedResourceController,
        AuthorizationServerMetadataController,
      ],
      providers: [
        { provide: RESOURCE_SERVER, useValue: resourceServer },
        { provide: OriginPolicy, useValue: OriginPolicy.fromConfig(config) },
        McpJwtStrategy,
        McpOriginGuard,
        AuthorizationServerMetadata,
        TokenExchangeClient,
        WeatherApiClient,
      ],
    };
  }
}
